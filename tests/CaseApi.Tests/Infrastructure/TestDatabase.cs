using CaseApi.Store;
using DotNet.Testcontainers.Configurations;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Testcontainers.PostgreSql;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database for one test run, from (in this order) the server named by CASEAPI_TEST_POSTGRES
/// (scripts/test.sh starts one), or a Testcontainers container when a Docker daemon answers. Never a stand-in.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "CASEAPI_TEST_POSTGRES";

    /// <summary>The password of the service's roles on a test server (a trusting local cluster ignores it).</summary>
    public const string RolePassword = "caseapi-test";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? TemplateName;

    private readonly string? serverConnectionString;
    private readonly PostgreSqlContainer? container;

    private TestDatabase(string connectionString, string? serverConnectionString, PostgreSqlContainer? container)
    {
        ConnectionString = connectionString;
        this.serverConnectionString = serverConnectionString;
        this.container = container;
    }

    public string ConnectionString { get; }

    /// <summary>A database another fixture owns (and drops); disposing this one leaves it alone.</summary>
    public static TestDatabase Existing(string connectionString) => new(connectionString, null, null);

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(server))
        {
            // One test process hosts dozens of servers next to the cluster on two cores: opening a connection there
            // has taken longer than Npgsql's default 15 s (CI, fixtures failing in start-up's migration). A minute
            // still fails a dead server quickly enough; production keeps the default.
            server = new NpgsqlConnectionStringBuilder(server) { Timeout = 60 }.ConnectionString;
            var database = new NpgsqlConnectionStringBuilder(server) { Database = $"caseapi_tests_{Guid.NewGuid():N}", Pooling = true };
            await ExecuteAsync(server, $"CREATE DATABASE \"{database.Database}\" TEMPLATE \"{await MigratedTemplateAsync(server)}\"");
            return new TestDatabase(database.ConnectionString, server, null);
        }

        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            var container = new PostgreSqlBuilder("postgres:17-alpine").Build();
            await container.StartAsync();
            await EnsureLoginRolesAsync(container.GetConnectionString());
            return new TestDatabase(container.GetConnectionString(), null, container);
        }

        throw new InvalidOperationException(
            $"No PostgreSQL for the tests: run scripts/test.sh (it starts a throwaway local cluster), set {ServerVariable} " +
            "to a connection string of a server the tests may create databases on, or start a Docker daemon for Testcontainers.");
    }

    /// <summary>
    /// A database migrated once per test run, which every test database is copied from (CREATE DATABASE … TEMPLATE, a
    /// file copy): migrating each of a hundred databases cost seconds of the test process's processor apiece. The
    /// service still migrates at start-up and finds nothing pending. Dropped when the test process exits.
    /// </summary>
    private static async Task<string> MigratedTemplateAsync(string server)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (TemplateName is not null) return TemplateName;
            await EnsureLoginRolesAsync(server);
            var name = $"caseapi_template_{Guid.NewGuid():N}";
            await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
            // Unpooled: a copy is refused while any connection to the template stays open.
            var options = new DbContextOptionsBuilder<CaseDbContext>();
            options.UseCaseStore(new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString);
            await using (var db = new CaseDbContext(options.Options)) await db.Database.MigrateAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").GetAwaiter().GetResult();
            return TemplateName = name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The service's two roles, able to log in (the migration creates them NOLOGIN when missing; scripts/test.sh's
    /// cluster trusts local connections and ignores the password). Roles are per server, so parallel fixtures race here.
    /// </summary>
    private static async Task EnsureLoginRolesAsync(string server)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DatabaseRoles.Owner}') THEN
                    CREATE ROLE {DatabaseRoles.Owner} LOGIN PASSWORD '{RolePassword}';
                END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DatabaseRoles.Service}') THEN
                    CREATE ROLE {DatabaseRoles.Service} LOGIN PASSWORD '{RolePassword}';
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END $$;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync();
            return;
        }
        if (serverConnectionString is null) return;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}\" WITH (FORCE)");
    }
}
