using DotNet.Testcontainers.Configurations;
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

    private readonly string? serverConnectionString;
    private readonly PostgreSqlContainer? container;

    private TestDatabase(string connectionString, string? serverConnectionString, PostgreSqlContainer? container)
    {
        ConnectionString = connectionString;
        this.serverConnectionString = serverConnectionString;
        this.container = container;
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(server))
        {
            var database = new NpgsqlConnectionStringBuilder(server) { Database = $"caseapi_tests_{Guid.NewGuid():N}", Pooling = true };
            return new TestDatabase(database.ConnectionString, server, null);
        }

        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            var container = new PostgreSqlBuilder("postgres:17-alpine").Build();
            await container.StartAsync();
            return new TestDatabase(container.GetConnectionString(), null, container);
        }

        throw new InvalidOperationException(
            $"No PostgreSQL for the tests: run scripts/test.sh (it starts a throwaway local cluster), set {ServerVariable} " +
            "to a connection string of a server the tests may create databases on, or start a Docker daemon for Testcontainers.");
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync();
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
