using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using CaseApi.Infrastructure.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CaseApi.Store;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations at start-up. On for local runs; production migrates as its own step (the migrate command).</summary>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>Load the bundled sample of public cases when the case table is empty.</summary>
    public bool SeedSample { get; set; } = true;

    /// <summary>statement_timeout of short work: point reads, writes, authentication, health. 0 turns it off.</summary>
    [Range(0, 3600)]
    public int StatementTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// statement_timeout of bulk reads: lists and their counts, statistics, coverage, and exports (for which it caps
    /// the database time of the whole export; an export cut by it ends with an aborted body).
    /// </summary>
    [Range(0, 86400)]
    public int BulkStatementTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Connections bulk reads may hold at once, in a pool of their own: however many exports and statistics run,
    /// the main pool (Max Pool Size of the connection string) stays free for point reads, writes and health checks.
    /// </summary>
    [Range(1, 1000)]
    public int BulkMaxPoolSize { get; set; } = 8;
}

public static class DatabaseSetup
{
    public static IServiceCollection AddCaseStore(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Cases");
        // The build-time OpenAPI generator only reads the endpoints; this placeholder is never opened.
        if (string.IsNullOrWhiteSpace(connectionString) && OpenApiSetup.IsGeneratingDocument) connectionString = "Host=build-time-openapi-generation";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Cases is not set. Set ConnectionStrings__Cases, or start the API with scripts/run.sh, "
                + "which starts a local PostgreSQL.");
        }

        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddReadOnlyStore(configuration, connectionString, options);
        connectionString = WithStatementTimeout(WithServiceDefaults(connectionString), options.StatementTimeoutSeconds);
        // Pooling: a context per request without the allocation cost (hot read paths are measured against raw SQL).
        services.AddDbContextPool<CaseDbContext>(o => o.UseCaseStore(connectionString));
        // One listener for the store's change notifications; every cache subscribes to it (StoreChanges).
        services.AddSingleton<StoreChanges>().AddHostedService(sp => sp.GetRequiredService<StoreChanges>());
        services.AddHealthChecks()
            .AddDbContextCheck<CaseDbContext>("database", tags: ["ready"])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// Driver settings this service's queries are built for, where the connection string does not set them itself.
    /// Profiled under GET /cases/{id} load, PostgreSQL spent its time parsing and planning every statement anew and
    /// resetting each connection taken from the pool (DISCARD ALL); these two settings took the endpoint from about
    /// 3,100 to 5,000 requests/s on 2 cores. Behind a pooler that cannot hold prepared statements (PgBouncer before
    /// 1.21 in transaction mode), set "Max Auto Prepare=0" in the connection string. JIT is off unless Options names it.
    /// </summary>
    internal static string WithServiceDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Sets(params string[] keys) => keys.Any(given.ContainsKey);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The API issues a small, fixed set of statements (EF compiled and cached queries, parameterised filters):
        // prepare the ones used often, so the server skips parse and plan from then on.
        if (!Sets("Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 64;
        // No session state outlives a request here: the import's staging table is ON COMMIT DROP and its lock is
        // transaction-scoped, so the reset on every return to the pool is pure cost.
        if (!Sets("No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        // PostgreSQL's JIT compiles a plan whose cost passes jit_above_cost before running it. Our costly statements
        // (statistics, exact counts) are scans that finish in well under a second, where compiling costs more than it
        // saves: at 100,000 cases the summary took 2.2 s with JIT's inlining and optimisation against 0.42 s without.
        if (builder.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true) AddSessionSetting(builder, "jit=off");
        return builder.ConnectionString;
    }

    /// <summary>
    /// The connection string of bulk reads: a pool of its own (Npgsql pools by connection string, and the name differs),
    /// at most <see cref="DatabaseOptions.BulkMaxPoolSize"/> connections, with the bulk statement timeout.
    /// </summary>
    internal static string BulkConnectionString(string connectionString, DatabaseOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(WithServiceDefaults(connectionString)) { MaxPoolSize = options.BulkMaxPoolSize };
        builder.ApplicationName = $"{builder.ApplicationName ?? "caseapi"}-bulk";
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return WithStatementTimeout(builder.ConnectionString, options.BulkStatementTimeoutSeconds);
    }

    /// <summary>Sets statement_timeout for every session of the pool, so no statement of its class can run unbounded.</summary>
    internal static string WithStatementTimeout(string connectionString, int seconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        AddSessionSetting(builder, $"statement_timeout={seconds * 1000}");
        return builder.ConnectionString;
    }

    /// <summary>A server setting for every session of the pool, after any the connection string's Options already give.</summary>
    private static void AddSessionSetting(NpgsqlConnectionStringBuilder builder, string setting) =>
        builder.Options = $"{builder.Options} -c {setting}".Trim();

    /// <summary>
    /// Applies pending migrations as the owner role: ConnectionStrings:CasesOwner when set (start-up migration of a
    /// local run), else ConnectionStrings:Cases (the migrate command, run with the owner's login). Its own connection,
    /// without the pools' statement timeouts: building an index over a large table is no short statement.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var owner = configuration.GetConnectionString("CasesOwner") is { Length: > 0 } given ? given : configuration.GetConnectionString("Cases")!;
        var options = new DbContextOptionsBuilder<CaseDbContext>();
        options.UseCaseStore(owner, "caseapi-migrate");
        await using var db = new CaseDbContext(options.Options);
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// The EF Core options every context of the case store shares. The pool's name is what metrics show: without one,
    /// Npgsql names a pool by its connection string (host, database, user).
    /// </summary>
    public static DbContextOptionsBuilder UseCaseStore(this DbContextOptionsBuilder options, string connectionString, string poolName = "caseapi") =>
        options.UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsHistoryTable("__ef_migrations_history")
                .ConfigureDataSource(source => source.Name = poolName))
            .UseSnakeCaseNamingConvention();

    /// <inheritdoc cref="UseCaseStore(DbContextOptionsBuilder, string, string)"/>
    public static DbContextOptionsBuilder UseCaseStore(this DbContextOptionsBuilder options, NpgsqlDataSource source) =>
        options.UseNpgsql(source, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")).UseSnakeCaseNamingConvention();

    /// <summary>Applies pending migrations at start-up when the configuration asks (local runs; production migrates as its own step).</summary>
    public static async Task MigrateIfConfiguredAsync(this WebApplication app)
    {
        if (OpenApiSetup.IsGeneratingDocument) return;
        var options = app.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.ApplyMigrations) await app.Services.MigrateDatabaseAsync(app.Lifetime.ApplicationStopping);
    }
}

internal sealed class MigrationsHealthCheck(CaseDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending: run the migrate command.");
    }
}
