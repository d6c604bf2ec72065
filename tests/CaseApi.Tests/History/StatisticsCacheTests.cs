using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>Statistics are computed once per store version and never answer older than a commit the reader has seen.</summary>
public sealed class StatisticsCacheTests(CaseApiFactory api) : HistoryTest(api)
{
    [Theory]
    [InlineData("/api/v1/stats/summary")]
    [InlineData("/api/v1/stats/cases?groupBy=sector")]
    [InlineData("/api/v1/stats/policy-alignment")]
    public async Task The_same_question_at_the_same_version_is_answered_from_memory_and_a_commit_recomputes_it(string path)
    {
        await CreateCaseAsync(CaseSamples.Minimal("cache-one"));

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
        Assert.Equal("CaseApi; fwd=miss; stored", CacheStatus(afterWrite));
        Assert.NotEqual(await first.Content.ReadAsStringAsync(Ct), await afterWrite.Content.ReadAsStringAsync(Ct));
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

    private static string? CacheStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : null;
}
