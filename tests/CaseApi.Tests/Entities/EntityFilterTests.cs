using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Entities;

/// <summary>Issue 36 item 3: entity=, defendant= and victim= on lists, exports and statistics, and statistics by entity.</summary>
public sealed class EntityFilterTests(CaseApiFactory api) : ApiTest(api)
{
    private async Task SeedAsync()
    {
        foreach (var (slug, defendants, victims) in new[]
        {
            ("one", new[] { "Mo Hailong" }, new[] { "Monsanto" }),
            ("two", new[] { "Haitao Xiang" }, new[] { "Monsanto", "The Climate Corporation" }),
            ("three", new[] { "Monsanto" }, new[] { "Boeing" }),
        })
        {
            var request = CaseSamples.Minimal(slug);
            request["defendants"] = new JsonArray([.. defendants.Select(d => (JsonNode)d)]);
            request["victims"] = new JsonArray([.. victims.Select(v => (JsonNode)v)]);
            await CreateCaseAsync(request);
        }
    }

    private async Task<List<string?>> SlugsAsync(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/cases?{query}&sort=title", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadObjectAsync(response))["items"]!.AsArray().Select(i => (string?)i!["slug"]).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Entity_matches_any_role_and_defendant_and_victim_only_theirs()
    {
        await SeedAsync();
        var monsanto = await WithDbAsync(db => Task.FromResult(db.Entities.Single(e => e.Slug == "monsanto").Id));

        Assert.Equal(["one", "three", "two"], await SlugsAsync("entity=monsanto"));
        Assert.Equal(["one", "two"], await SlugsAsync($"victim={monsanto}"));
        Assert.Equal(["three"], await SlugsAsync("defendant=monsanto"));
        Assert.Equal(["one", "three"], await SlugsAsync("entity=mo-hailong,boeing"));
        Assert.Empty(await SlugsAsync("entity=nobody-at-all"));
    }

    [Fact]
    public async Task Exports_and_statistics_take_the_same_filters()
    {
        await SeedAsync();

        var export = await Client.GetStringAsync("/api/v1/cases/export?format=ndjson&victim=monsanto", Ct);
        using var summary = await Client.GetAsync("/api/v1/stats/summary?defendant=monsanto", Ct);

        Assert.Equal(2, export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(1, (int)(await ReadObjectAsync(summary))["totalCases"]!);
    }

    [Fact]
    public async Task Statistics_by_entity_find_the_victims_hit_more_than_once()
    {
        await SeedAsync();

        using var response = await Client.GetAsync("/api/v1/stats/entities?role=victim&minCases=2", Ct);

        var items = (await ReadObjectAsync(response))["items"]!.AsArray();
        var item = Assert.Single(items);
        Assert.Equal(("monsanto", 2), ((string?)item!["slug"], (int)item["cases"]!));
    }

    [Fact]
    public async Task A_malformed_entity_key_or_role_is_400_naming_the_parameter()
    {
        using var badKey = await Client.GetAsync("/api/v1/cases?entity=Not%20A%20Slug", Ct);
        using var badRole = await Client.GetAsync("/api/v1/stats/entities?role=bystander", Ct);

        await Problems.AssertFieldAsync(badKey, "entity");
        await Problems.AssertFieldAsync(badRole, "role");
    }
}
