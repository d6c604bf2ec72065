using System.Diagnostics;

namespace CaseApi.Bench;

/// <summary>
/// Dashboards polling: a few connections each requesting the next of a list of paths in turn, for a fixed time or until
/// another task ends (the mixed phase runs it for exactly as long as an import takes), every latency recorded.
/// </summary>
internal static class HttpLoad
{
    public sealed record Result(long Requests, double PerSecond, double P50Ms, double P99Ms, long Errors);

    public static async Task<Result> RunAsync(HttpClient http, int connections, IReadOnlyList<string> paths, Task until)
    {
        var latencies = new List<double>[connections];
        var errors = 0L;
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var i = w; !until.IsCompleted; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(paths[i % paths.Count]);
                await response.Content.ReadAsByteArrayAsync();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        })).ToArray();
        var begun = Stopwatch.GetTimestamp();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(begun).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length, all.Length / elapsed, SqlLoad.Percentile(all, 0.50), SqlLoad.Percentile(all, 0.99), errors);
    }
}
