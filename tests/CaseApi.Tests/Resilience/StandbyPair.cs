using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.Resilience;

/// <summary>Starts and stops PostgreSQL servers, so its tests run alone; one primary and standby serve the whole collection.</summary>
[CollectionDefinition(nameof(StandbyCollection), DisableParallelization = true)]
public sealed class StandbyCollection : ICollectionFixture<StandbyPair>;

/// <summary>
/// A primary and a streaming-replication hot standby of the test's own (scripts/standby.sh), which tests may pause,
/// stop and start. Connection strings are the superuser's; <see cref="AsService"/> gives the serving role's.
/// </summary>
public sealed class StandbyPair : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("caseapi-standby.").FullName;
    private bool standbyStopped;

    public string Primary { get; private set; } = "";

    public string Standby { get; private set; } = "";

    /// <summary>The service over the pair, with a lag bound (a minute) that a paused standby stays within during a test.</summary>
    public StandbyFactory Api { get; private set; } = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // Two servers start here while other processes on the machine pick free ports too: a failed start is torn down
        // and tried again, twice at most, so a real fault still fails the collection. (The start-up failure once seen in
        // CI, a connection "terminated by administrator command", was a pool reusing a stopped cluster's connections
        // under the same connection string; scripts/pg.sh now gives every cluster a random port.)
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var lines = (await StandbyAsync("start")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                (Primary, Standby) = (lines[0], lines[1]);
                Api = new StandbyFactory(this, maxLagSeconds: 60);
                await Api.InitializeAsync();
                return;
            }
            catch when (attempt < 3)
            {
                await DisposeAsync();
                Api = null!;
            }
            catch
            {
                await DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await StandbyAsync("destroy");
    }

    public static string AsService(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Username = DatabaseRoles.Service, Password = TestDatabase.RolePassword,
    }.ConnectionString;

    public async Task StopStandbyAsync()
    {
        await StandbyAsync("stop", "standby");
        standbyStopped = true;
    }

    /// <summary>What each test starts from: the standby running, replaying, and caught up with the primary.</summary>
    public async Task ReplayingAndCaughtUpAsync()
    {
        if (standbyStopped) await StandbyAsync("start", "standby");
        standbyStopped = false;
        await OnStandbyAsync("SELECT pg_wal_replay_resume()");
        await CaughtUpAsync();
    }

    public Task PauseReplayAsync() => OnStandbyAsync("SELECT pg_wal_replay_pause()");

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task CaughtUpAsync()
    {
        var written = await ScalarAsync(Primary, "SELECT pg_current_wal_lsn()::text");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await ScalarAsync(Standby, $"SELECT (pg_last_wal_replay_lsn() >= '{written}')::text") != "true") await Task.Delay(10, timeout.Token);
    }

    private async Task OnStandbyAsync(string sql) => await ScalarAsync(Standby, sql);

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(Ct))?.ToString();
    }

    // Durable like production: replication streams what the primary has flushed.
    private Task<string> StandbyAsync(params string[] arguments) => RepositoryScripts.RunAsync("scripts/standby.sh",
        [arguments[0], directory, .. arguments[1..]], new Dictionary<string, string> { ["PG_FAST"] = "0", ["PG_DATABASE"] = "caseapi" });
}
