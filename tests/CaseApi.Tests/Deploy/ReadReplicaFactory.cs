using CaseApi.Infrastructure.Data;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Tests.Deploy;

/// <summary>
/// The API with ConnectionStrings:CasesReadOnly naming a second database on the test server: a stand-in for a
/// streaming replica that the tests can tell apart from the primary because it holds different rows.
/// </summary>
public sealed class ReadReplicaFactory : CaseApiFactory
{
    public string ReplicaConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Database = $"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}_replica",
    }.ConnectionString;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:CasesReadOnly"] = ReplicaConnectionString,
    };

    /// <summary>A context on the replica, configured as the service configures its own (same history table, same naming).</summary>
    public CaseDbContext CreateReplicaContext() => new(new DbContextOptionsBuilder<CaseDbContext>()
        .UseNpgsql(ReplicaConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention()
        .Options);

    public override async ValueTask DisposeAsync()
    {
        var replica = ReplicaConnectionString;
        await base.DisposeAsync();
        var server = new NpgsqlConnectionStringBuilder(replica) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(replica).Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
