using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Resilience;

/// <summary>A PostgreSQL cluster of the test's own (scripts/pg.sh), which the test may stop and start at will.</summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("caseapi-restart-pg.").FullName;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Starts the cluster (creating it and the database the first time) on the same port each time.</summary>
    public async Task StartAsync() => ConnectionString = (await PgAsync("start")).Trim();

    public Task StopAsync() => PgAsync("stop");

    public async ValueTask DisposeAsync() => await PgAsync("destroy");

    // Durable, unlike the shared test cluster: the test checks that acknowledged writes survive a restart.
    private Task<string> PgAsync(string command) => RepositoryScripts.RunAsync("scripts/pg.sh", [command, directory],
        new Dictionary<string, string> { ["PG_FAST"] = "0", ["PG_DATABASE"] = "caseapi" });
}
