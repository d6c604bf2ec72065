using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.Store;

internal static class ReadRoutingSetup
{
    /// <summary>
    /// <see cref="ReadOnlyCaseDbContext"/> in the primary's bulk pool, and with a standby (ConnectionStrings:CasesReadOnly)
    /// a second bulk pool on it, which <see cref="StoreSnapshots"/> chooses per request by <see cref="ReadRouter"/>'s verdict.
    /// </summary>
    public static IServiceCollection AddReadOnlyStore(this IServiceCollection services, IConfiguration configuration, string primary,
        DatabaseOptions options)
    {
        services.AddDbContextPool<ReadOnlyCaseDbContext>(o => o.UseCaseStore(DatabaseSetup.BulkConnectionString(primary, options), "caseapi-bulk")
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
        services.AddScoped(sp => new StoreSnapshots(sp, sp.GetService<ReadRouter>(), sp.GetService<StandbyStore>()));
        if (configuration.GetConnectionString("CasesReadOnly") is not { Length: > 0 } standby) return services;

        services.AddOptions<ReadRoutingOptions>().BindConfiguration(ReadRoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ReadRouter(primary, standby, sp.GetRequiredService<IOptions<ReadRoutingOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILogger<ReadRouter>>()));
        services.AddSingleton(sp =>
        {
            var store = new StandbyStore(DatabaseSetup.BulkConnectionString(standby, options), sp.GetRequiredService<ILoggerFactory>());
            sp.GetRequiredService<ReadRouter>().StandbyLost += store.Clear;
            return store;
        });
        services.AddHealthChecks().AddCheck<StandbyHealthCheck>("standby", tags: ["ready"]);
        return services;
    }
}

/// <summary>
/// The standby's bulk pool. Its connections come from a data source of our own, so that they can all be dropped when
/// the standby goes away.
/// </summary>
internal sealed class StandbyStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource source;
    private readonly PooledDbContextFactory<ReadOnlyCaseDbContext> contexts;

    internal StandbyStore(string connectionString, ILoggerFactory logging)
    {
        source = new NpgsqlDataSourceBuilder(connectionString) { Name = "caseapi-standby" }.Build();
        var options = new DbContextOptionsBuilder<ReadOnlyCaseDbContext>();
        options.UseCaseStore(source).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).UseLoggerFactory(logging);
        contexts = new(options.Options);
    }

    /// <summary>A context on the standby; the caller disposes it (back to the pool).</summary>
    public ReadOnlyCaseDbContext Create() => contexts.CreateDbContext();

    internal void Clear() => source.Clear();

    public ValueTask DisposeAsync() => source.DisposeAsync();
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
