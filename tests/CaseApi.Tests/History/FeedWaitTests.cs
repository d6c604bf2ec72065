using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>The service with a bulk pool of one connection: a long poll that held its connection would stall every list.</summary>
public sealed class OneBulkConnectionFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Database:BulkMaxPoolSize"] = "1" };
}

/// <summary>Waiting is cheap: an unchanged feed is a 304, and a long poll waits for a commit without a database connection.</summary>
public sealed class FeedWaitTests(OneBulkConnectionFactory api) : HistoryTest(api), IClassFixture<OneBulkConnectionFactory>
{
    [Fact]
    public async Task An_unchanged_feed_answers_304_to_the_ETag_of_its_last_answer_and_200_once_something_is_new()
    {
        await CreateCaseAsync(CaseSamples.Minimal("first-case"));
        using var first = await Client.GetAsync("/api/v1/changes?after=1", Ct);

        using var again = await GetAsync("/api/v1/changes?after=1", first.Headers.ETag);
        await CreateCaseAsync(CaseSamples.Minimal("second-case"));
        using var changed = await GetAsync("/api/v1/changes?after=1", first.Headers.ETag);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(first.Headers.ETag, changed.Headers.ETag);
    }

    [Fact]
    public async Task A_long_poll_answers_as_soon_as_a_change_commits()
    {
        var clock = Stopwatch.StartNew();
        var poll = Client.GetAsync("/api/v1/changes?after=0&wait=20", Ct);
        await Task.Delay(500, Ct);
        await CreateCaseAsync(CaseSamples.Minimal("awaited-case"));

        using var answer = await poll;
        var page = await ReadObjectAsync(answer);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("awaited-case", (string)page["items"]![0]!["slug"]!);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
    }

    [Fact]
    public async Task A_long_poll_holds_no_database_connection_while_it_waits()
    {
        var poll = Client.GetAsync("/api/v1/changes?after=0&wait=8", Ct);
        await Task.Delay(1000, Ct);

        var clock = Stopwatch.StartNew();
        using var list = await Client.GetAsync("/api/v1/cases", Ct);
        var listed = clock.Elapsed;
        var pollStillWaiting = !poll.IsCompleted;
        using var timedOut = await poll;

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True(pollStillWaiting);
        Assert.True(listed < TimeSpan.FromSeconds(4), $"The list waited {listed} for the only bulk connection.");
        Assert.Equal(HttpStatusCode.OK, timedOut.StatusCode);
        Assert.Empty((await ReadObjectAsync(timedOut))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_wait_beyond_the_cap_is_a_400()
    {
        using var response = await Client.GetAsync("/api/v1/changes?wait=31", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string url, EntityTagHeaderValue? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return await Client.SendAsync(request, Ct);
    }
}
