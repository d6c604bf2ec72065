using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.Store;

internal static class ReadRoutingSetup
{
    /// <summary>
    /// <see cref="ReadOnlyCaseDbContext"/> in a bulk pool of its own. With a standby (ConnectionStrings:CasesReadOnly) there
    /// are two such pools, one per server, and <see cref="ReadRouter"/> picks one for each request; without one, the
    /// primary's bulk pool serves every read.
    /// </summary>
    public static IServiceCollection AddReadOnlyStore(this IServiceCollection services, IConfiguration configuration, string primary,
        DatabaseOptions options)
    {
        if (configuration.GetConnectionString("CasesReadOnly") is not { Length: > 0 } standby)
        {
            services.AddDbContextPool<ReadOnlyCaseDbContext>(o => o.UseReadOnlyStore(primary, "caseapi-bulk", options));
            return services;
        }

        services.AddOptions<ReadRoutingOptions>().BindConfiguration(ReadRoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ReadRouter(primary, standby, sp.GetRequiredService<IOptions<ReadRoutingOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILogger<ReadRouter>>()));
        services.AddSingleton(sp =>
        {
            // The standby's connections come from a data source of our own, so that they can all be dropped when it goes away.
            var source = new NpgsqlDataSourceBuilder(DatabaseSetup.BulkConnectionString(standby, options)) { Name = "caseapi-standby" }.Build();
            var standbyOptions = new DbContextOptionsBuilder<ReadOnlyCaseDbContext>();
            standbyOptions.UseCaseStore(source).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            var primaryOptions = new DbContextOptionsBuilder<ReadOnlyCaseDbContext>();
            primaryOptions.UseReadOnlyStore(primary, "caseapi-bulk", options).UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            var pools = new ReadOnlyPools(source, new(standbyOptions.Options), new(primaryOptions.Options));
            sp.GetRequiredService<ReadRouter>().StandbyLost += source.Clear;
            return pools;
        });
        services.AddScoped<ReadRoute>();
        services.AddScoped(sp => sp.GetRequiredService<ReadOnlyPools>().Create(sp.GetRequiredService<ReadRoute>().Standby));
        services.AddHealthChecks().AddCheck<StandbyHealthCheck>("standby", tags: ["ready"]);
        return services;
    }

    private static DbContextOptionsBuilder UseReadOnlyStore(this DbContextOptionsBuilder builder, string connectionString, string pool,
        DatabaseOptions options) => builder
            .UseCaseStore(DatabaseSetup.BulkConnectionString(connectionString, options), pool)
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    private sealed class ReadOnlyPools(NpgsqlDataSource standbySource, PooledDbContextFactory<ReadOnlyCaseDbContext> standby,
        PooledDbContextFactory<ReadOnlyCaseDbContext> primary) : IAsyncDisposable
    {
        public ReadOnlyCaseDbContext Create(bool onStandby) => (onStandby ? standby : primary).CreateDbContext();

        public ValueTask DisposeAsync() => standbySource.DisposeAsync();
    }
}

/// <summary>Readiness detail: the standby's lag, and whether reads fall back to the primary. Degraded, never unready.</summary>
internal sealed class StandbyHealthCheck(ReadRouter router) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await router.StatusAsync(cancellationToken);
        var detail = status.Describe(router.MaxLag);
        return router.Serves(status) ? HealthCheckResult.Healthy(detail) : HealthCheckResult.Degraded(detail);
    }
}
