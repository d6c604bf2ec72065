using System.Globalization;

namespace CaseApi.Bench;

/// <summary>What bench/run.sh passes in: where the service and the database are, and how long to measure.</summary>
internal sealed record BenchOptions(
    string BaseUrl, string ApiKey, string ConnectionString, int ServicePid, string WorkDir, string ResultsDir, string WrkDir,
    long[] Stages, int ChunkRows, TimeSpan Duration, TimeSpan WarmUp, int Repetitions, int Connections, int WrkThreads, string Command,
    string? NodeUrl, string NodeLabel, int MixedConnections, string Limits, string Phases)
{
    public static BenchOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        string Get(string name, string? fallback = null) =>
            map.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required.");
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new BenchOptions(
            BaseUrl: Get("url").TrimEnd('/'),
            ApiKey: Get("api-key"),
            ConnectionString: Get("connection"),
            ServicePid: Int("pid", 0),
            WorkDir: Get("work"),
            ResultsDir: Get("results"),
            WrkDir: Get("wrk"),
            Stages: Get("stages", "100000").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            ChunkRows: Int("chunk", 50_000),
            Duration: TimeSpan.FromSeconds(Int("duration", 10)),
            WarmUp: TimeSpan.FromSeconds(Int("warmup", 10)),
            Repetitions: Int("repetitions", 3),
            Connections: Int("connections", 16),
            WrkThreads: Int("wrk-threads", 2),
            Command: Get("command", "bench/run.sh"),
            // Platformatic DB over the same database, when bench/run.sh could start it (Node.js 20+ present).
            NodeUrl: Get("node-url", "") is { Length: > 0 } node ? node.TrimEnd('/') : null,
            NodeLabel: Get("node-label", "the Node.js auto-REST layer"),
            MixedConnections: Int("mixed-connections", 8),
            // The service's per-key rate limits that bench/run.sh set, as it passed them: reported with the results.
            Limits: Get("limits", "as configured"),
            // A comma-separated subset of import,get,list,stats,export,mixed: a smoke test of some phases (import always runs).
            Phases: Get("phases", "all"));
    }
}
