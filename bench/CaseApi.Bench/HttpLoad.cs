using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace CaseApi.Bench;

/// <summary>
/// Dashboards polling: each refreshes its panels (one request per path, in turn) once per interval, sending back the
/// ETag of its last answer for each panel in If-None-Match, as docs/guides/statistics.md tells a dashboard to do. They
/// start spread over the interval, run until another task ends (the mixed phase runs them for exactly as long as an
/// import takes), and every latency is recorded.
/// </summary>
internal static class HttpLoad
{
    /// <summary>Fresh: answers with a body (200), the rest 304; errors: anything else.</summary>
    public sealed record Result(long Requests, long Fresh, double P50Ms, double P99Ms, long Errors);

    public static async Task<Result> RunAsync(HttpClient http, int dashboards, IReadOnlyList<string> panels, TimeSpan interval, Task until)
    {
        var latencies = new List<double>[dashboards];
        var (fresh, errors) = (0L, 0L);
        var workers = Enumerable.Range(0, dashboards).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var held = new EntityTagHeaderValue?[panels.Count];
            await Task.WhenAny(Task.Delay(interval * w / dashboards), until);
            while (!until.IsCompleted)
            {
                var tick = Stopwatch.GetTimestamp();
                for (var p = 0; p < panels.Count; p++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, panels[p]);
                    if (held[p] is { } tag) request.Headers.IfNoneMatch.Add(tag);
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        held[p] = response.Headers.ETag;
                        Interlocked.Increment(ref fresh);
                    }
                    else if (response.StatusCode != HttpStatusCode.NotModified) Interlocked.Increment(ref errors);
                }
                var left = interval - Stopwatch.GetElapsedTime(tick);
                if (left > TimeSpan.Zero) await Task.WhenAny(Task.Delay(left), until);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length, fresh, SqlLoad.Percentile(all, 0.50), SqlLoad.Percentile(all, 0.99), errors);
    }
}
