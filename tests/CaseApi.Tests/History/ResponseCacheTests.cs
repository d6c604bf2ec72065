using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>Statistics and list pages are computed once per store version and never answer older than a commit the reader has seen.</summary>
public sealed class ResponseCacheTests(CaseApiFactory api) : HistoryTest(api)
{
    [Theory]
    [InlineData("/api/v1/stats/summary")]
    [InlineData("/api/v1/stats/cases?groupBy=sector")]
    [InlineData("/api/v1/stats/policy-alignment")]
    [InlineData("/api/v1/cases?limit=1")]
    [InlineData("/api/v1/cases?limit=5&count=exact&fields=slug")]
    public async Task The_same_question_at_the_same_version_is_answered_from_memory_and_a_commit_recomputes_it(string path)
    {
        await CreateCaseAsync(CaseSamples.Minimal("cache-one"));
        await CreateCaseAsync(CaseSamples.Minimal("cache-zero"));

        using var first = await Client.GetAsync(path, Ct);
        using var second = await Client.GetAsync(path, Ct);
        await CreateCaseAsync(CaseSamples.Minimal("cache-two"));
        using var afterWrite = await Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("CaseApi; fwd=miss; stored", CacheStatus(first));
        Assert.Equal("CaseApi; hit", CacheStatus(second));
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        // What the handler set on the response (a list's next-page Link) is part of the answer; the request's own id is not.
        Assert.Equal(Values(first, "Link"), Values(second, "Link"));
        Assert.NotEqual(Values(first, "X-Request-Id"), Values(second, "X-Request-Id"));
        Assert.Equal("CaseApi; fwd=miss; stored", CacheStatus(afterWrite));
        Assert.NotEqual(await first.Content.ReadAsStringAsync(Ct), await afterWrite.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_misses_for_the_same_answer_compute_it_once()
    {
        await CreateCaseAsync(CaseSamples.Minimal("collapse-one"));

        // As after a commit: every dashboard asks at once, none finds the answer yet. Each has its own key, since one key
        // may have only two bulk requests in flight.
        var dashboards = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ClientForRoleAsync("reader")));
        var answers = await Task.WhenAll(dashboards.Concat(dashboards).Select(async client =>
        {
            using var response = await client.GetAsync("/api/v1/stats/summary", Ct);
            return (Status: response.StatusCode, Cache: CacheStatus(response), Body: await response.Content.ReadAsStringAsync(Ct));
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Single(answers, a => a.Cache == "CaseApi; fwd=miss; stored");
        Assert.All(answers, a => Assert.Matches("^CaseApi; (fwd=miss; stored|fwd=miss; collapsed|hit)$", a.Cache));
        Assert.Single(answers.Select(a => a.Body).Distinct());
    }

    [Fact]
    public async Task A_rejected_question_is_not_cached()
    {
        using var first = await Client.GetAsync("/api/v1/stats/cases?groupBy=nonsense", Ct);
        using var second = await Client.GetAsync("/api/v1/stats/cases?groupBy=nonsense", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.False(second.Headers.Contains("Cache-Status"));
    }

    [Fact]
    public async Task A_read_that_starts_after_a_write_was_acknowledged_always_counts_that_write()
    {
        // Writers create cases and publish how many were acknowledged; readers note that number before each request and
        // the summary they get must count at least that many. A cache entry from before any acknowledged write would not.
        var acknowledged = 0L;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await CreateCaseAsync(CaseSamples.Minimal($"race-{w}-{i}"));
                Interlocked.Increment(ref acknowledged);
            }
        }, Ct)).ToList();
        var readers = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            var client = await ClientForRoleAsync("reader");
            return Task.Run(async () =>
            {
                var reads = 0;
                while (!stop.IsCancellationRequested)
                {
                    var seen = Interlocked.Read(ref acknowledged);
                    var summary = await client.GetFromJsonAsync<JsonObject>("/api/v1/stats/summary", Ct);
                    var total = (long)summary!["totalCases"]!;
                    Assert.True(total >= seen, $"The summary counted {total} cases after {seen} were acknowledged.");
                    reads++;
                }
                return reads;
            }, Ct);
        }));

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        var reads = await Task.WhenAll(readers);

        Assert.All(reads, r => Assert.True(r > 0));
        var final = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/summary", Ct);
        Assert.Equal(45L, (long)final!["totalCases"]!);
    }

    private static string? CacheStatus(HttpResponseMessage response) => Values(response, "Cache-Status");

    private static string? Values(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(", ", values) : null;
}
