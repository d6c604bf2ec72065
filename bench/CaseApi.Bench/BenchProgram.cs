using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// Drives one benchmark run against a started service and its database (bench/run.sh starts both): for each stage
/// size it generates the missing cases, loads them (raw COPY reference, then the import endpoint), and measures the
/// read paths against their SQL references. Results of the last stage, plus growth between stages, go to
/// bench/results/latest.json and latest.md.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["bare", "--connection", var store, "--url", var url]) return await BareEndpoint.ServeAsync(store, url, Phases.GetByIdSql);
        var o = BenchOptions.Parse(args);
        // The references are plain SQL through Npgsql's defaults, as docs/design.md words them ("a raw SQL primary-key
        // lookup through the same driver"). The service lets the driver prepare its statements
        // (DatabaseSetup.WithServiceDefaults); a second reference does too, and get-by-id is also reported against
        // it: the fastest the driver can go, so that the service's own overhead is on record either way.
        // The references run with the session settings the service gives its own connections (JIT off, see
        // DatabaseSetup.WithServiceDefaults), so a ratio compares the work, not the server's configuration.
        var plain = new NpgsqlConnectionStringBuilder(o.ConnectionString) { MaxPoolSize = 200, CommandTimeout = 0, Options = "-c jit=off" };
        await using var db = NpgsqlDataSource.Create(plain.ConnectionString);
        await using var prepared = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(plain.ConnectionString) { MaxAutoPrepare = 64 }.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri(o.BaseUrl), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", o.ApiKey);
        using var memory = new MemorySampler(o.ServicePid);
        memory.Start();

        var stages = new List<(long Cases, Dictionary<string, Metric> Metrics)>();
        long loaded = 0;
        foreach (var size in o.Stages)
        {
            Log($"stage {size:N0} cases: generating cases {loaded:N0}..{size:N0}");
            var chunks = DataFiles.Write(Path.Combine(o.WorkDir, "data"), loaded, size, o.ChunkRows);
            var metrics = new Dictionary<string, Metric>(StringComparer.Ordinal);

            await Phases.ImportAsync(o, db, http, memory, chunks, loaded == 0, metrics);
            loaded = size;
            await using (var connection = await db.OpenConnectionAsync())
            {
                await SqlLoad.ReadAllAsync(connection, "VACUUM ANALYZE cases");
            }
            bool Runs(string phase) => o.Phases == "all" || o.Phases.Split(',').Contains(phase);
            if (Runs("get")) await Phases.GetByIdAsync(o, db, prepared, memory, metrics);
            if (Runs("list")) await Phases.ListPageAsync(o, db, http, memory, metrics);
            if (Runs("stats")) await Phases.StatisticsAsync(o, db, http, memory, metrics);
            if (Runs("export")) await Phases.ExportAsync(o, db, http, memory, size, metrics);
            if (Runs("mixed")) await Phases.MixedAsync(o, db, http, metrics, size);
            if (Runs("link")) await LinkPhase.LinkAsync(o, db, http, memory, size, metrics);
            if (Runs("history")) await HistoryPhase.HistoryAsync(o, db, http, memory, size, metrics);
            metrics["memory_high_water_mb"] = Metric.Ceiling(memory.HighWaterMb, 300, "MB", "service VmHWM since start-up, all phases");
            stages.Add((size, metrics));
            Log($"stage {size:N0} done: {string.Join("; ", metrics.Select(m => $"{m.Key}={m.Value.Value}/{m.Value.Reference}"))}");
        }

        await Report.WriteAsync(o, db, stages);
        return stages[^1].Metrics.Values.All(m => m.Met) ? 0 : 1;
    }

    public static void Log(string message) =>
        Console.Error.WriteLine($"bench {DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}: {message}");

    public static async Task<T> TimeAsync<T>(Func<Task<T>> work, Action<double> elapsedMs)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await work();
        elapsedMs(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static async Task<JsonDocument> PostFileAsync(HttpClient http, string path, string file, string mediaType)
    {
        await using var body = File.OpenRead(file);
        using var content = new StreamContent(body, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 2000)]}");
        return JsonDocument.Parse(text);
    }
}
