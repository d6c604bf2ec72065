using CaseApi.ApiKeys;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.ReferenceData;
using CaseApi.Store;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serilog.Core;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The API on a real Kestrel server (so body limits, streaming and media types behave as in production) over a
/// real PostgreSQL database, migrated once per test collection and reset before each test.
/// </summary>
public class CaseApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The secret of the admin key the service bootstraps (Auth:BootstrapAdminKey); ApiTest.Client sends it.</summary>
    public const string AdminKey = "cak_test-bootstrap-admin-key-0123456789";

    private TestDatabase? database;

    /// <summary>Everything the service logged, for tests that inspect the log (request ids, no secrets).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The test database as the server's superuser: for set-up, resets and what the service may not do.</summary>
    public string ConnectionString => database?.ConnectionString ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The same database as the serving role, the login the service under test uses (as in production).</summary>
    public string ServiceConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Username = DatabaseRoles.Service, Password = TestDatabase.RolePassword,
    }.ConnectionString;

    /// <summary>Extra settings for a derived factory (e.g. a smaller body limit).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        UseKestrel(0);
        StartServer();
    }

    /// <summary>The database this host serves: a fresh one, or (for a second instance) an existing one.</summary>
    protected virtual Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Cases", ServiceConnectionString);
        builder.UseSetting("ConnectionStrings:CasesOwner", ConnectionString);
        builder.UseSetting("Database:ApplyMigrations", "true");
        builder.UseSetting("Database:SeedSample", "false");
        // Tests seed tens of thousands of rows through the service's own context on a busy machine.
        builder.UseSetting("Database:StatementTimeoutSeconds", "120");
        builder.UseSetting("Auth:BootstrapAdminKey", AdminKey);
        // Tests make many requests quickly; the rate-limit tests use a derived factory with tiny budgets.
        builder.UseSetting("RateLimits:PermitLimit", "1000000");
        builder.UseSetting("RateLimits:BulkPermitLimit", "1000000");
        // Serilog takes sinks registered in the container (ReadFrom.Services).
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    /// <summary>
    /// Empties every table and restores the seeded reference data. session_replication_role=replica lets the
    /// test owner truncate the append-only audit table, whose triggers refuse it to everyone else.
    /// </summary>
    public async ValueTask ResetDatabaseAsync()
    {
        // The serving role may not truncate (nor skip triggers): reset as the superuser.
        var options = new DbContextOptionsBuilder<CaseDbContext>();
        options.UseCaseStore(ConnectionString);
        await using var db = new CaseDbContext(options.Options);
        await using var transaction = await db.Database.BeginTransactionAsync();
        // Table names come from the catalogue, never from input.
        var tables = await db.Database.SqlQueryRaw<string>(EveryDataTable).SingleAsync();
        var truncate = $"SET LOCAL session_replication_role = replica; TRUNCATE {tables} RESTART IDENTITY CASCADE;";
        await db.Database.ExecuteSqlRawAsync(truncate);
        db.Sectors.AddRange(ReferenceSeed.Sectors.Select(s => new Sector { Code = s.Code, Name = s.Name, Description = s.Description }));
        db.Sponsors.AddRange(ReferenceSeed.Sponsors.Select(s => new Sponsor { Code = s.Code, Name = s.Name, Description = s.Description, Type = s.Type, ParentCode = s.ParentCode }));
        db.PolicyDocuments.AddRange(ReferenceSeed.PolicyDocuments.Select(p => new PolicyDocument { Code = p.Code, Name = p.Name, Description = p.Description, Year = p.Year }));
        db.PolicyDocumentSectors.AddRange(ReferenceSeed.PolicyDocumentSectors.Select(m => new PolicyDocumentSector { PolicyCode = m.PolicyCode, SectorCode = m.SectorCode }));
        db.SourceLists.AddRange(ReferenceSeed.SourceLists.Select(s => new SourceList { Code = s.Code, Name = s.Name, Description = s.Description, Publisher = s.Publisher, CoverageFrom = s.CoverageFrom, CoverageTo = s.CoverageTo }));
        // The bootstrap admin key as start-up makes it, minus its audit row: each test starts with an empty audit trail.
        db.ApiKeys.Add(ApiKeyBootstrap.NewKey(AdminKey, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        Services.GetRequiredService<ReferenceCodes>().Invalidate();
        Services.GetRequiredService<ApiKeyStore>().Clear();
        Services.GetRequiredService<PeopleDirectory>().Clear();
        Services.GetRequiredService<StoreVersionCache>().Clear();
    }

    /// <summary>
    /// Every table of the store but the migrations' log (__ef_migrations_history) and the history (HistoryTest resets that
    /// with its clock): the EF model's and those migrations create by hand (releases, idempotent requests), so that a new
    /// table is reset without anyone remembering to list it.
    /// </summary>
    private const string EveryDataTable = """
        SELECT string_agg(format('%I', tablename), ', ' ORDER BY tablename) AS "Value" FROM pg_tables
        WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_%' AND tablename NOT LIKE 'history\_%'
        """;

    /// <summary>
    /// Stores a new API key with the given role and returns its secret. This is test set-up, like the reset: written as the
    /// superuser outside the history (the serving role may add keys only through create_api_key, with an audit row).
    /// </summary>
    public async Task<string> CreateKeyAsync(string role, DateTimeOffset? expiresAt = null, string? name = null)
    {
        var secret = ApiKeySecrets.Generate();
        var options = new DbContextOptionsBuilder<CaseDbContext>();
        options.UseCaseStore(ConnectionString);
        await using var db = new CaseDbContext(options.Options);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SET LOCAL session_replication_role = replica");
        db.ApiKeys.Add(new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name ?? $"test-{role}-{Guid.NewGuid():N}"[..24],
            Role = role,
            SecretHash = ApiKeySecrets.Hash(secret),
            Prefix = ApiKeySecrets.ShownPart(secret),
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return secret;
    }

    /// <summary>A client that sends the given key as X-Api-Key, or no key at all.</summary>
    public HttpClient CreateClient(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
