using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Store;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Entities;

public sealed class EntityMergeTests(CaseApiFactory api) : HistoryTest(api)
{
    private static JsonObject Entity(string name, string kind = "person", params string[] aliases) => new()
    {
        ["name"] = name, ["kind"] = kind, ["aliases"] = new JsonArray([.. aliases.Select(a => (JsonNode)a)]),
    };

    private async Task<string> CreateEntityAsync(JsonObject request)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/entities", request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await ReadObjectAsync(response))["id"]!;
    }

    private static JsonObject CaseNaming(string slug, string[] defendants, string[]? victims = null)
    {
        var request = CaseSamples.Minimal(slug);
        request["defendants"] = new JsonArray([.. defendants.Select(d => (JsonNode)d)]);
        if (victims is not null) request["victims"] = new JsonArray([.. victims.Select(v => (JsonNode)v)]);
        return request;
    }

    private Task<HttpResponseMessage> MergeAsync(string loser, string into, HttpClient? client = null) =>
        (client ?? Client).PostAsJsonAsync($"/api/v1/entities/{loser}/merge", new JsonObject { ["into"] = into }, Ct);

    private HttpClient NotFollowingRedirects()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", CaseApiFactory.AdminKey);
        return client;
    }

    /// <summary>The exceptions the service logged, for a failure message.</summary>
    private string ServerErrors() => string.Join("\n", Api.Logs.Events.Where(e => e.Exception is not null).Select(e => e.Exception!.ToString()));

    /// <summary>Xuehua Peng and a second entity for "Edward Peng", both named in case one, the second alone in case two.</summary>
    private async Task<(string Survivor, string Loser)> TwoPengsAsync()
    {
        var survivor = await CreateEntityAsync(Entity("Xuehua Peng"));
        var loser = await CreateEntityAsync(Entity("Edward Peng", "person", "Ed Peng"));
        await CreateCaseAsync(CaseNaming("one", ["Xuehua Peng", "Edward Peng"]));
        await CreateCaseAsync(CaseNaming("two", ["Edward Peng"], ["Xuehua Peng"]));
        return (survivor, loser);
    }

    [Fact]
    public async Task Merge_moves_the_links_by_role_without_doubling_one_and_the_name_becomes_an_alias()
    {
        var (survivor, loser) = await TwoPengsAsync();

        using var merged = await MergeAsync("edward-peng", "xuehua-peng");

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var body = await ReadObjectAsync(merged);
        Assert.Equal(loser, (string?)body["merged"]);
        Assert.Equal(1, (int)body["movedLinks"]!);
        Assert.Equal(1, (int)body["droppedLinks"]!);
        Assert.Equal(["Edward Peng", "Ed Peng"], body["into"]!["aliases"]!.AsArray().Select(a => (string?)a));
        using var cases = await Client.GetAsync("/api/v1/entities/xuehua-peng/cases", Ct);
        var items = (await ReadObjectAsync(cases))["items"]!.AsArray();
        Assert.Equal(["one", "two"], items.Select(i => (string?)i!["slug"]));
        Assert.Equal(["defendant"], items[0]!["roles"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(["defendant", "victim"], items[1]!["roles"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(0, await WithDbAsync(db => db.CaseEntityLinks.CountAsync(l => l.EntityId == Guid.Parse(loser), Ct)));
        Assert.Equal(3, await WithDbAsync(db => db.CaseEntityLinks.CountAsync(l => l.EntityId == Guid.Parse(survivor), Ct)));
    }

    [Fact]
    public async Task After_a_merge_the_merged_name_written_in_a_case_finds_the_survivor()
    {
        var (survivor, _) = await TwoPengsAsync();
        using var merged = await MergeAsync("edward-peng", "xuehua-peng");
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);

        var (created, _) = await CreateCaseAsync(CaseNaming("three", ["PENG, Edward"]));

        var link = await WithDbAsync(db => db.CaseEntityLinks.SingleAsync(l => l.CaseId == Guid.Parse((string)created["id"]!), Ct));
        Assert.Equal(Guid.Parse(survivor), link.EntityId);
        Assert.Equal(2, await WithDbAsync(db => db.Entities.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_merged_entity_answers_308_to_the_survivor_on_every_route_and_filters_follow_it()
    {
        var (survivor, loser) = await TwoPengsAsync();
        using var merged = await MergeAsync("edward-peng", "xuehua-peng");
        using var raw = NotFollowingRedirects();

        using var bySlug = await raw.GetAsync("/api/v1/entities/edward-peng", Ct);
        using var byId = await raw.GetAsync($"/api/v1/entities/{loser}/cases?limit=5", Ct);
        using var related = await raw.GetAsync($"/api/v1/entities/{loser}/related", Ct);
        using var replace = await raw.PutAsJsonAsync("/api/v1/entities/edward-peng", Entity("Edward Peng"), Ct);
        using var followed = await Client.GetAsync("/api/v1/entities/edward-peng", Ct);
        using var filtered = await Client.GetAsync("/api/v1/cases?entity=edward-peng&fields=slug", Ct);
        using var search = await Client.GetAsync("/api/v1/entities?q=peng", Ct);

        Assert.Equal(HttpStatusCode.PermanentRedirect, bySlug.StatusCode);
        Assert.Equal($"/api/v1/entities/{survivor}", bySlug.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.PermanentRedirect, byId.StatusCode);
        Assert.Equal($"/api/v1/entities/{survivor}/cases?limit=5", byId.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.PermanentRedirect, related.StatusCode);
        Assert.Equal($"/api/v1/entities/{survivor}/related", related.Headers.Location!.OriginalString);
        // A write to the merged entity is sent to the survivor too (308 keeps the method and body), before its If-Match is asked for.
        Assert.Equal(HttpStatusCode.PermanentRedirect, replace.StatusCode);
        Assert.Equal($"/api/v1/entities/{survivor}", replace.Headers.Location!.OriginalString);
        Assert.Equal(survivor, (string?)(await ReadObjectAsync(followed))["id"]);
        Assert.Equal(2, (await ReadObjectAsync(filtered))["items"]!.AsArray().Count);
        Assert.Equal(survivor, (string?)Assert.Single((await ReadObjectAsync(search))["items"]!.AsArray())!["id"]);
    }

    [Fact]
    public async Task As_of_before_the_merge_and_a_release_taken_then_still_show_both_entities_and_their_links()
    {
        var (_, loser) = await TwoPengsAsync();
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "before-merge", description = "Two Pengs." }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        var before = await WithDbAsync(db => StoreVersion.ReadAsync(db, Ct));
        using var merged = await MergeAsync("edward-peng", "xuehua-peng");
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);

        using var then = await Client.GetAsync($"/api/v1/entities/edward-peng?asOf={before}", Ct);
        using var thenList = await Client.GetAsync($"/api/v1/entities?q=peng&asOf={before}", Ct);
        using var released = await Client.GetAsync("/api/v1/entities/edward-peng/cases?release=before-merge", Ct);
        using var releasedFilter = await Client.GetAsync("/api/v1/cases?defendant=edward-peng&fields=slug&release=before-merge", Ct);

        Assert.True(then.StatusCode == HttpStatusCode.OK, ServerErrors());
        var entity = await ReadObjectAsync(then);
        Assert.Equal(loser, (string?)entity["id"]);
        Assert.Null(entity["mergedInto"]);
        Assert.Equal(2, (await ReadObjectAsync(thenList))["items"]!.AsArray().Count);
        Assert.Equal(["one", "two"], (await ReadObjectAsync(released))["items"]!.AsArray().Select(i => (string?)i!["slug"]));
        Assert.Equal(2, (await ReadObjectAsync(releasedFilter))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_merge_is_audited_on_both_entities_in_the_change_feed_and_the_chain_still_verifies()
    {
        var (survivor, loser) = await TwoPengsAsync();

        using var merged = await MergeAsync("edward-peng", "xuehua-peng");
        using var audit = await Client.GetAsync("/api/v1/audit?entityType=entity&action=merge", Ct);
        using var feed = await Client.GetAsync("/api/v1/changes?limit=1000", Ct);
        using var verify = await Client.GetAsync("/api/v1/audit/verify", Ct);

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var events = (await ReadObjectAsync(audit))["items"]!.AsArray();
        var onLoser = Assert.Single(events, e => (string?)e!["entityId"] == loser)!;
        Assert.Equal(survivor, (string?)onLoser["changes"]!["mergedInto"]!["to"]);
        var onSurvivor = Assert.Single(events, e => (string?)e!["entityId"] == survivor)!;
        Assert.Equal(loser, (string?)onSurvivor["changes"]!["mergedFrom"]!["to"]);
        Assert.NotNull(onSurvivor["changes"]!["aliases"]);
        var changes = (await ReadObjectAsync(feed))["items"]!.AsArray();
        Assert.Contains(changes, c => (string?)c!["entity"] == "entity" && (string?)c["id"] == loser
            && (string?)c["namedEntity"]!["mergedInto"] == survivor);
        Assert.Contains(changes, c => (string?)c!["entity"] == "case-entity" && (string?)c["action"] == "delete"
            && ((string?)c["id"])!.EndsWith(loser, StringComparison.Ordinal));
        var verified = await ReadObjectAsync(verify);
        Assert.True(verified["valid"] is { } valid && (bool)valid, verified.ToJsonString() + ServerErrors());
    }

    [Fact]
    public async Task Merging_into_itself_into_a_merged_entity_across_kinds_or_an_unknown_one_or_redacting_a_merged_one_is_refused()
    {
        await TwoPengsAsync();
        await CreateEntityAsync(Entity("Boeing", "company"));
        await CreateEntityAsync(Entity("Rockwell", "other"));
        await CreateEntityAsync(Entity("Third Peng"));
        using var first = await MergeAsync("edward-peng", "xuehua-peng");

        using var itself = await MergeAsync("xuehua-peng", "xuehua-peng");
        using var intoMerged = await MergeAsync("third-peng", "edward-peng");
        using var again = await MergeAsync("edward-peng", "third-peng");
        using var kinds = await MergeAsync("boeing", "xuehua-peng");
        using var unknown = await MergeAsync("nobody", "xuehua-peng");
        using var empty = await Client.PostAsJsonAsync("/api/v1/entities/boeing/merge", new JsonObject(), Ct);
        using var otherIntoCompany = await MergeAsync("rockwell", "boeing");
        using var redactMerged = await Client.PostAsJsonAsync(
            "/api/v1/entities/edward-peng/redact", new JsonObject { ["reason"] = "Acquitted." }, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("merge-into-itself", (string?)(await Problems.AssertAsync(itself, HttpStatusCode.UnprocessableEntity))["code"]);
        Assert.Equal("entity-merged", (string?)(await Problems.AssertAsync(intoMerged, HttpStatusCode.Conflict))["code"]);
        Assert.Equal("entity-merged", (string?)(await Problems.AssertAsync(again, HttpStatusCode.Conflict))["code"]);
        Assert.Equal("kind-mismatch", (string?)(await Problems.AssertAsync(kinds, HttpStatusCode.UnprocessableEntity))["code"]);
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound);
        await Problems.AssertFieldAsync(empty, "into");
        Assert.Equal(HttpStatusCode.OK, otherIntoCompany.StatusCode);
        Assert.Equal("entity-merged", (string?)(await Problems.AssertAsync(redactMerged, HttpStatusCode.Conflict))["code"]);
    }

    [Fact]
    public async Task A_reader_cannot_merge_and_an_earlier_merge_follows_the_survivor_in_one_hop()
    {
        var (survivor, loser) = await TwoPengsAsync();
        var third = await CreateEntityAsync(Entity("Peng Xuehua Junior"));
        var reader = await ClientForRoleAsync("reader");

        using var refused = await MergeAsync("edward-peng", "xuehua-peng", reader);
        using var first = await MergeAsync("peng-xuehua-junior", "edward-peng");
        using var second = await MergeAsync("edward-peng", "xuehua-peng");
        using var raw = NotFollowingRedirects();
        using var hop = await raw.GetAsync($"/api/v1/entities/{third}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal($"/api/v1/entities/{survivor}", hop.Headers.Location!.OriginalString);
        Assert.NotEqual(loser, survivor);
    }

    [Fact]
    public async Task Deleting_the_merged_entity_removes_its_redirect_and_then_the_survivor_may_go()
    {
        await CreateEntityAsync(Entity("Example Kept"));
        await CreateEntityAsync(Entity("Example Gone"));
        using var merged = await MergeAsync("example-gone", "example-kept");

        using var keptRefused = await DeleteAsync("example-kept");
        using var gone = await DeleteAsync("example-gone");
        using var redirect = await Client.GetAsync("/api/v1/entities/example-gone", Ct);
        using var kept = await DeleteAsync("example-kept");

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal("still-referenced", (string?)(await Problems.AssertAsync(keptRefused, HttpStatusCode.Conflict))["code"]);
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        await Problems.AssertAsync(redirect, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, kept.StatusCode);
    }

    private async Task<HttpResponseMessage> DeleteAsync(string entity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/entities/{entity}");
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return await Client.SendAsync(request, Ct);
    }
}
