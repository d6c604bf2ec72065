using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.History;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>Feed items show each entity as the API does: a case as GET /cases/{id} as of the item's position, the rest typed.</summary>
public sealed class FeedItemTests(CaseApiFactory api) : HistoryTest(api)
{
    [Fact]
    public async Task A_case_item_is_what_GET_cases_id_answers_as_of_its_position_and_the_latest_carries_the_current_ETag()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full("turbine-case"));
        var id = (string)created["id"]!;
        using var patched = await Client.MergePatchAsync($"/api/v1/cases/{id}", """{"title": "Renamed", "sentenceMonths": null}""", etag);

        var items = (await DrainFeedAsync(Client)).Items.Where(i => (string)i["entity"]! == "case").ToList();

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(["create", "update"], items.Select(i => (string)i["action"]!));
        foreach (var item in items)
        {
            using var asOf = await Client.GetAsync($"/api/v1/cases/{id}?asOf={PositionOf(item)}", Ct);
            Assert.True(JsonNode.DeepEquals(await ReadObjectAsync(asOf), item["case"]), item.ToJsonString());
            Assert.True(item["case"]!.AsObject().ContainsKey("sentenceMonths"));
        }
        Assert.True((bool)items[0]["case"]!["policyAligned"]!);
        using var current = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
        Assert.Equal(current.Headers.ETag!.Tag, (string)items[^1]["eTag"]!);
        Assert.NotEqual((string)items[0]["eTag"]!, (string)items[^1]["eTag"]!);
        using var stale = await Client.MergePatchAsync($"/api/v1/cases/{id}", """{"title": "Again"}""",
            new System.Net.Http.Headers.EntityTagHeaderValue((string)items[0]["eTag"]!));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using var fresh = await Client.MergePatchAsync($"/api/v1/cases/{id}", """{"title": "Again"}""",
            new System.Net.Http.Headers.EntityTagHeaderValue((string)items[^1]["eTag"]!));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task A_policy_mapping_edit_is_followed_by_a_realign_item_for_each_case_whose_alignment_it_changed()
    {
        await CreateCaseAsync(SpaceCase("space-case-1"));
        await CreateCaseAsync(SpaceCase("space-case-2"));
        await CreateCaseAsync(CaseSamples.Minimal("aerospace-case"));
        var (before, cursor) = await DrainFeedAsync(Client);

        await DropSpaceFromTheRoadmapAsync();
        var (items, _) = await DrainFeedAsync(Client, cursor);

        Assert.Equal(3, before.Count);
        var realigned = items.Where(i => (string)i["action"]! == "realign").ToList();
        Assert.Equal(["space-case-1", "space-case-2"], realigned.Select(i => (string)i["slug"]!).Order());
        Assert.All(realigned, i => Assert.Equal(PositionOf(items[0]), PositionOf(i)));
        Assert.Equal(items.Count - 2, items.FindIndex(i => (string)i["action"]! == "realign"));
        foreach (var item in realigned)
        {
            using var now = await Client.GetAsync($"/api/v1/cases/{item["slug"]}", Ct);
            Assert.True(JsonNode.DeepEquals(await ReadObjectAsync(now), item["case"]));
            Assert.Equal(now.Headers.ETag!.Tag, (string)item["eTag"]!);
            Assert.False((bool)item["case"]!["policyAligned"]!);
        }
    }

    [Fact]
    public async Task Realign_items_page_like_any_other_and_entityType_case_shows_them_without_the_mapping_rows()
    {
        for (var i = 1; i <= 3; i++) await CreateCaseAsync(SpaceCase($"space-case-{i}"));
        await DropSpaceFromTheRoadmapAsync();

        var (whole, _) = await DrainFeedAsync(Client);
        var paged = await DrainAsync("limit=1");
        var cases = await DrainAsync("entityType=case&limit=2");

        Assert.Equal(whole.Select(Key), paged.Select(Key));
        Assert.Equal(whole.Where(i => (string)i["entity"]! == "case").Select(Key), cases.Select(Key));
        Assert.Equal(3, cases.Count(i => (string)i["action"]! == "realign"));
        Assert.Contains(whole, i => (string)i["entity"]! == "policy-document-sector");
    }

    [Fact]
    public async Task Other_entities_are_typed_camelCase_records_with_nulls_written()
    {
        using var sector = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new JsonObject { ["name"] = "Quantum" }, Ct);
        using var sponsor = await Client.PutAsJsonAsync("/api/v1/sponsors/mss-9",
            new JsonObject { ["name"] = "Ninth Bureau", ["type"] = "intelligence-service", ["parent"] = "mss" }, Ct);

        var (items, _) = await DrainFeedAsync(Client);

        Assert.Equal(HttpStatusCode.Created, sector.StatusCode);
        Assert.Equal(HttpStatusCode.Created, sponsor.StatusCode);
        Assert.Equal("""{"code":"quantum","name":"Quantum","description":null}""", items[0]["sector"]!.ToJsonString());
        Assert.Equal("mss", (string)items[1]["sponsor"]!["parent"]!);
        Assert.All(items, i => Assert.False(i.ContainsKey("record")));
        Assert.All(items, i => Assert.Null(i["case"]));
    }

    [Fact]
    public async Task An_entity_type_the_feed_does_not_show_is_a_400()
    {
        using var unknown = await Client.GetAsync("/api/v1/changes?entityType=case,api-key", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("entityType", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_entity_the_feed_shows_has_a_typed_record_or_is_a_case()
    {
        Assert.Equal(HistoryRegistry.FeedEntities.Where(e => e != "case").Order(), ChangeFeed.Records.Keys.Order());
    }

    private async Task<List<JsonObject>> DrainAsync(string query)
    {
        var all = new List<JsonObject>();
        string? after = null;
        while (true)
        {
            var url = $"/api/v1/changes?{query}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
            using var response = await Client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await ReadObjectAsync(response);
            var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            if (items.Count == 0) return all;
            all.AddRange(items);
            after = (string)page["nextCursor"]!;
        }
    }

    private static string Key(JsonObject item) => $"{item["position"]}/{item["entity"]}/{item["id"]}/{item["action"]}";
}
