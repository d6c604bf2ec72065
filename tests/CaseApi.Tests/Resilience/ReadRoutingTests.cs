using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Resilience;

/// <summary>
/// Reads routed across a real streaming-replication standby (scripts/standby.sh). With replay paused, what a read
/// returns shows which server answered it: the standby lacks the latest write, the primary has it.
/// </summary>
[Collection(nameof(StandbyCollection))]
public sealed class ReadRoutingTests(StandbyPair pair) : IAsyncLifetime
{
    private readonly HttpClient client = pair.Api.CreateClient(CaseApiFactory.AdminKey);
    private readonly Dictionary<string, int> reads = [];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await pair.ReplayingAndCaughtUpAsync();
        await pair.Api.ResetDatabaseAsync();
        await pair.CaughtUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await pair.ReplayingAndCaughtUpAsync();
    }

    [Fact]
    public async Task Without_a_token_a_read_within_the_lag_bound_is_served_by_the_standby()
    {
        await PostAsync("before-the-pause");
        await pair.CaughtUpAsync();
        await pair.PauseReplayAsync();
        await PostAsync("after-the-pause");
        using var counting = pair.Api.CountReads(reads);

        var slugs = await ListSlugsAsync(client, "/api/v1/cases");

        Assert.Equal(["before-the-pause"], slugs);
        Assert.Equal(1, reads.GetValueOrDefault("standby/lag-within-bound"));
    }

    [Fact]
    public async Task A_write_answers_with_a_token_and_a_read_presenting_it_sees_the_write_while_replay_is_paused()
    {
        await pair.PauseReplayAsync();
        using var counting = pair.Api.CountReads(reads);

        var token = await PostAsync("written-while-paused");
        var withHeader = await ListSlugsAsync(client, "/api/v1/cases", token);
        var withQuery = await ListSlugsAsync(client, $"/api/v1/cases?consistency={token}");

        Assert.Equal(["written-while-paused"], withHeader);
        Assert.Equal(["written-while-paused"], withQuery);
        Assert.Equal(2, reads.GetValueOrDefault("primary/token-not-replayed"));
    }

    [Fact]
    public async Task A_read_presenting_a_token_the_standby_has_replayed_is_served_by_the_standby()
    {
        var token = await PostAsync("replayed");
        using var counting = pair.Api.CountReads(reads);

        var slugs = await ListSlugsAsync(client, "/api/v1/cases", token);

        Assert.Equal(["replayed"], slugs);
        Assert.Equal(1, reads.GetValueOrDefault("standby/token-replayed"));
    }

    [Fact]
    public async Task A_case_just_written_reads_back_by_id_from_the_primary()
    {
        await pair.PauseReplayAsync();
        var token = await PostAsync("written-to-the-primary");

        using var byId = await client.GetAsync("/api/v1/cases/written-to-the-primary", Ct);

        Assert.NotNull(token);
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
    }

    [Fact]
    public async Task A_malformed_token_is_a_400_naming_the_parameter()
    {
        using var response = await client.GetAsync("/api/v1/cases?consistency=not-a-position", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["consistency"]);
    }

    [Fact]
    public async Task Beyond_the_lag_bound_reads_fall_back_to_the_primary_and_readiness_says_so()
    {
        await using var strict = new StandbyFactory(pair, maxLagSeconds: 1);
        await strict.InitializeAsync();
        using var strictClient = strict.CreateClient(CaseApiFactory.AdminKey);
        await pair.PauseReplayAsync();
        await PostAsync("written-while-paused");

        var ready = await ReadinessUntilAsync(strictClient, "behind (more than");
        using var counting = strict.CountReads(reads);
        var slugs = await ListSlugsAsync(strictClient, "/api/v1/cases");

        Assert.Equal("Degraded", (string?)ready["status"]);
        Assert.Contains("reads go to the primary", (string?)ready["checks"]!["standby"]!["description"], StringComparison.Ordinal);
        Assert.Equal(["written-while-paused"], slugs);
        Assert.Equal(1, reads.GetValueOrDefault("primary/standby-lag"));
    }

    [Fact]
    public async Task With_the_standby_stopped_reads_fall_back_to_the_primary_and_readiness_says_so()
    {
        await pair.StopStandbyAsync();
        var token = await PostAsync("written-while-the-standby-is-down");

        var ready = await ReadinessUntilAsync(client, "unavailable");
        using var counting = pair.Api.CountReads(reads);
        var withoutToken = await ListSlugsAsync(client, "/api/v1/cases");
        var withToken = await ListSlugsAsync(client, "/api/v1/cases", token);

        Assert.Equal("Degraded", (string?)ready["status"]);
        Assert.Equal(["written-while-the-standby-is-down"], withoutToken);
        Assert.Equal(["written-while-the-standby-is-down"], withToken);
        Assert.Equal(2, reads.GetValueOrDefault("primary/standby-unavailable"));
    }

    /// <summary>Creates a case and returns the write's consistency token.</summary>
    private async Task<string> PostAsync(string slug)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(slug), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Assert.Single(response.Headers.GetValues(ConsistentReads.HeaderName));
    }

    private static async Task<List<string?>> ListSlugsAsync(HttpClient client, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Add(ConsistentReads.HeaderName, token);
        using var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var list = JsonNode.Parse(body)!.AsObject();
        return [.. list!["items"]!.AsArray().Select(c => (string?)c!["slug"])];
    }

    /// <summary>Polls readiness (the service checks the standby every 50 ms here) until the standby's detail contains the text.</summary>
    private static async Task<JsonObject> ReadinessUntilAsync(HttpClient client, string text)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await client.GetAsync("/health/ready", timeout.Token);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(timeout.Token);
            if (((string?)body!["checks"]?["standby"]?["description"])?.Contains(text, StringComparison.Ordinal) == true) return body;
            await Task.Delay(20, timeout.Token);
        }
    }
}
