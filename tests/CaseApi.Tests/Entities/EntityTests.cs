using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Entities;

public sealed class EntityTests(CaseApiFactory api) : ApiTest(api)
{
    private static JsonObject Person(string name, params string[] aliases) => new()
    {
        ["name"] = name, ["kind"] = "person", ["aliases"] = new JsonArray([.. aliases.Select(a => (JsonNode)a)]),
    };

    private async Task<JsonObject> CreateEntityAsync(JsonObject request)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/entities", request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    private static JsonObject CaseNaming(string slug, string[] defendants, string[]? victims = null)
    {
        var request = CaseSamples.Minimal(slug);
        request["defendants"] = new JsonArray([.. defendants.Select(d => (JsonNode)d)]);
        if (victims is not null) request["victims"] = new JsonArray([.. victims.Select(v => (JsonNode)v)]);
        return request;
    }

    [Fact]
    public async Task Create_returns_201_with_location_etag_and_a_slug_from_the_name()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/entities", Person("Kevin Patrick Mallory", "Kevin Mallory"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadObjectAsync(response);
        Assert.Equal($"/api/v1/entities/{body["id"]}", response.Headers.Location!.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("kevin-patrick-mallory", (string?)body["slug"]);
        Assert.Equal("Kevin Mallory", (string?)body["aliases"]![0]);
    }

    [Fact]
    public async Task Get_by_slug_and_by_id_agree_and_an_unknown_one_is_404()
    {
        var created = await CreateEntityAsync(Person("Xuehua Peng", "Edward Peng"));

        using var bySlug = await Client.GetAsync("/api/v1/entities/xuehua-peng", Ct);
        using var byId = await Client.GetAsync($"/api/v1/entities/{created["id"]}", Ct);
        using var missing = await Client.GetAsync("/api/v1/entities/nobody", Ct);

        Assert.Equal(HttpStatusCode.OK, bySlug.StatusCode);
        Assert.Equal((string?)created["id"], (string?)(await ReadObjectAsync(byId))["id"]);
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_bodies_are_400_naming_the_field()
    {
        var badKind = Person("Someone");
        badKind["kind"] = "alien";
        var unknown = Person("Someone");
        unknown["colour"] = "red";

        using var kind = await Client.PostAsJsonAsync("/api/v1/entities", badKind, Ct);
        using var property = await Client.PostAsJsonAsync("/api/v1/entities", unknown, Ct);
        using var noName = await Client.PostAsJsonAsync("/api/v1/entities", new JsonObject { ["kind"] = "person" }, Ct);

        await Problems.AssertFieldAsync(kind, "kind");
        await Problems.AssertFieldAsync(property, "colour");
        await Problems.AssertFieldAsync(noName, "name");
    }

    [Fact]
    public async Task Put_needs_if_match_and_a_stale_tag_is_412()
    {
        var created = await CreateEntityAsync(Person("Ron Rockwell Hansen"));
        using var first = await Client.GetAsync("/api/v1/entities/ron-rockwell-hansen", Ct);
        var etag = first.Headers.ETag!;
        var changed = Person("Ron Rockwell Hansen", "Ron Hansen");
        changed["country"] = "US";

        using var without = await Client.PutAsJsonAsync("/api/v1/entities/ron-rockwell-hansen", changed, Ct);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/entities/{created["id"]}") { Content = JsonContent.Create(changed) };
        put.Headers.IfMatch.Add(etag);
        using var replaced = await Client.SendAsync(put, Ct);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/entities/{created["id"]}") { Content = JsonContent.Create(Person("X")) };
        stale.Headers.IfMatch.Add(etag);
        using var refused = await Client.SendAsync(stale, Ct);

        await Problems.AssertAsync(without, (HttpStatusCode)428);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var body = await ReadObjectAsync(replaced);
        Assert.Equal("US", (string?)body["country"]);
        Assert.Equal("ron-rockwell-hansen", (string?)body["slug"]);
        await Problems.AssertAsync(refused, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task A_case_name_written_another_way_links_to_the_entity_by_its_alias()
    {
        var mallory = await CreateEntityAsync(Person("Kevin Patrick Mallory", "Kevin Mallory"));

        var (created, _) = await CreateCaseAsync(CaseNaming("mallory-case", ["MALLORY, Kevin"]));
        using var cases = await Client.GetAsync("/api/v1/entities/kevin-patrick-mallory/cases", Ct);

        var items = (await ReadObjectAsync(cases))["items"]!.AsArray();
        var item = Assert.Single(items);
        Assert.Equal((string?)created["id"], (string?)item!["id"]);
        Assert.Equal("defendant", (string?)item["roles"]![0]);
        Assert.Equal(1, await WithDbAsync(db => Task.FromResult(db.Entities.Count())));
        Assert.NotNull(mallory["id"]);
    }

    [Fact]
    public async Task An_unknown_name_creates_an_entity_and_a_name_with_several_candidates_is_422_listing_them()
    {
        await CreateCaseAsync(CaseNaming("new-names", ["Zhang Wei"], ["General Electric Co."]));
        await CreateEntityAsync(Person("Li Ming", "L. Ming Smith"));
        await CreateEntityAsync(Person("Ming Li"));

        using var entities = await Client.GetAsync("/api/v1/entities?q=general%20electric", Ct);
        using var ambiguous = await Client.PostAsJsonAsync("/api/v1/cases", CaseNaming("ambiguous", ["Li, Ming Jr."]), Ct);

        var found = Assert.Single((await ReadObjectAsync(entities))["items"]!.AsArray());
        Assert.Equal("company", (string?)found!["kind"]);
        var problem = await Problems.AssertAsync(ambiguous, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ambiguous-name", (string?)problem["code"]);
        Assert.Contains("li-ming", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("ming-li", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(0, await WithDbAsync(db => Task.FromResult(db.Cases.Count(c => c.Slug == "ambiguous"))));
    }

    [Fact]
    public async Task Changing_a_cases_names_moves_its_links_and_related_counts_co_occurrence()
    {
        await CreateCaseAsync(CaseNaming("one", ["Wang Dong", "Sun Kailiang"], ["Alcoa"]));
        var (second, etag) = await CreateCaseAsync(CaseNaming("two", ["Wang Dong", "Sun Kailiang", "Wen Xinyu"]));

        using var related = await Client.GetAsync("/api/v1/entities/wang-dong/related", Ct);
        var items = (await ReadObjectAsync(related))["items"]!.AsArray();
        Assert.Equal(["sun-kailiang", "alcoa", "wen-xinyu"], items.Select(i => (string?)i!["slug"]));
        Assert.Equal([2, 1, 1], items.Select(i => (int)i!["cases"]!));

        var changed = CaseNaming("two", ["Wang Dong"]);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cases/{second["id"]}") { Content = JsonContent.Create(changed) };
        put.Headers.IfMatch.Add(etag);
        using var replaced = await Client.SendAsync(put, Ct);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        using var after = await Client.GetAsync("/api/v1/entities/wen-xinyu/cases", Ct);
        Assert.Empty((await ReadObjectAsync(after))["items"]!.AsArray());
    }

    [Fact]
    public async Task An_entity_cases_name_cannot_be_deleted_but_an_unnamed_one_can()
    {
        await CreateCaseAsync(CaseNaming("named", ["Su Bin"]));
        var alone = await CreateEntityAsync(Person("Nobody Named"));

        using var named = await Client.GetAsync("/api/v1/entities/su-bin", Ct);
        using var deleteNamed = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/entities/su-bin");
        deleteNamed.Headers.IfMatch.Add(named.Headers.ETag!);
        using var refused = await Client.SendAsync(deleteNamed, Ct);
        using var one = await Client.GetAsync($"/api/v1/entities/{alone["id"]}", Ct);
        using var deleteAlone = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/entities/{alone["id"]}");
        deleteAlone.Headers.IfMatch.Add(one.Headers.ETag!);
        using var deleted = await Client.SendAsync(deleteAlone, Ct);

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.Conflict);
        Assert.Equal("still-referenced", (string?)problem["code"]);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task The_search_finds_names_and_aliases_and_pages_by_name()
    {
        await CreateEntityAsync(Person("Jun Wei Yeo", "Dickson Yeo"));
        await CreateEntityAsync(Person("Jerry Chun Shing Lee"));
        await CreateEntityAsync(Person("Yanjun Xu"));

        using var alias = await Client.GetAsync("/api/v1/entities?q=dickson", Ct);
        using var reordered = await Client.GetAsync("/api/v1/entities?q=Xu%20Yanjun", Ct);
        using var page = await Client.GetAsync("/api/v1/entities?limit=2", Ct);

        Assert.Equal("jun-wei-yeo", (string?)Assert.Single((await ReadObjectAsync(alias))["items"]!.AsArray())!["slug"]);
        Assert.Equal("yanjun-xu", (string?)Assert.Single((await ReadObjectAsync(reordered))["items"]!.AsArray())!["slug"]);
        var first = await ReadObjectAsync(page);
        Assert.Equal(3, (int)first["total"]!);
        Assert.Equal(["Jerry Chun Shing Lee", "Jun Wei Yeo"], first["items"]!.AsArray().Select(i => (string?)i!["name"]));
        using var next = await Client.GetAsync($"/api/v1/entities?limit=2&cursor={first["nextCursor"]}", Ct);
        Assert.Equal("Yanjun Xu", (string?)Assert.Single((await ReadObjectAsync(next))["items"]!.AsArray())!["name"]);
    }

    [Fact]
    public async Task Entities_and_links_are_in_the_history_as_of_reads_and_the_change_feed()
    {
        await CreateCaseAsync(CaseNaming("historic", ["Chi Mak"]));
        var position = await WithDbAsync(db => CaseApi.Store.StoreVersion.ReadAsync(db, Ct));

        using var before = await Client.GetAsync($"/api/v1/entities/chi-mak?asOf={position - 1}", Ct);
        using var then = await Client.GetAsync($"/api/v1/entities/chi-mak/cases?asOf={position}", Ct);
        using var feed = await Client.GetAsync("/api/v1/changes?limit=1000", Ct);

        await Problems.AssertAsync(before, HttpStatusCode.NotFound);
        Assert.Single((await ReadObjectAsync(then))["items"]!.AsArray());
        var entities = (await ReadObjectAsync(feed))["items"]!.AsArray().Select(i => (string?)i!["entity"]).ToList();
        Assert.Contains("entity", entities);
        Assert.Contains("case-entity", entities);
    }
}
