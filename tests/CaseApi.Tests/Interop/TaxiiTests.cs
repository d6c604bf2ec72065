using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Interop.Stix;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Interop;

/// <summary>
/// The TAXII 2.1 server under /taxii2/: the shapes, media types and paging rules of the OASIS specification, every object
/// valid against the OASIS STIX 2.1 schemas, and a poller that sees every change once while the store changes under it.
/// </summary>
public sealed class TaxiiTests(CaseApiFactory api) : HistoryTest(api)
{
    private const string Taxii = "application/taxii+json;version=2.1";
    private const string Root = "/taxii2/api/";

    // UUIDv5 of the STIX namespace and "taxii-collection:cases" (docs/guides/stix.md).
    private static readonly string CasesCollection = StixIds.UuidV5(StixIds.Namespace, "taxii-collection:cases").ToString("D");

    private static string Objects => $"{Root}collections/{CasesCollection}/objects/";

    /// <summary>The shared reset restores the reference data around its triggers; log it, so sponsors and sectors are in the history.</summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync(Api.ConnectionString, "UPDATE sectors SET name = name; UPDATE sponsors SET name = name;");
    }

    [Fact]
    public async Task Discovery_the_api_root_and_the_collections_have_the_TAXII_shapes_and_media_type()
    {
        using (var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "study-2026", description = "The study." }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        }

        var discovery = await GetAsync("/taxii2/");
        var root = await GetAsync(Root);
        var collections = await GetAsync($"{Root}collections/");
        var one = await GetAsync($"{Root}collections/{CasesCollection}/");

        var apiRoot = new Uri(Client.BaseAddress!, Root).ToString();
        Assert.Equal(apiRoot, (string?)discovery["default"]);
        Assert.Equal([apiRoot], discovery["api_roots"]!.AsArray().Select(r => (string)r!));
        Assert.NotNull(discovery["title"]);
        Assert.Equal([Taxii], root["versions"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(0, (int)root["max_content_length"]!);
        var list = collections["collections"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(["cases", "release-study-2026"], list.Select(c => (string)c["alias"]!));
        Assert.All(list, c =>
        {
            Assert.True(Guid.TryParse((string)c["id"]!, out _));
            Assert.True((bool)c["can_read"]!);
            Assert.False((bool)c["can_write"]!);
            Assert.Equal(["application/stix+json;version=2.1"], c["media_types"]!.AsArray().Select(m => (string)m!));
            Assert.NotNull(c["title"]);
        });
        Assert.Equal(list[0].ToJsonString(), one.ToJsonString());
    }

    [Fact]
    public async Task A_poller_paging_with_limit_while_cases_are_edited_sees_every_version_exactly_once()
    {
        var ids = new List<string>();
        for (var i = 0; i < 12; i++) ids.Add((string)(await CreateCaseAsync(i % 3 == 0 ? CaseSamples.Full($"case-{i}") : CaseSamples.Minimal($"case-{i}"))).Body["id"]!);
        var seen = new List<(string Id, string Version)>();
        var dates = new List<DateTimeOffset>();
        string? next = null;
        var pages = 0;
        var edits = 0;

        do
        {
            var url = $"{Objects}?limit=7&match[version]=all" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}");
            var (envelope, headers) = await GetWithHeadersAsync(url);
            var objects = ObjectsOf(envelope);
            AssertValid(objects);
            Assert.InRange(objects.Count, 1, 7);
            seen.AddRange(objects.Select(o => ((string)o["id"]!, (string)o["modified"]!)));
            var first = DateTimeOffset.Parse(headers["X-TAXII-Date-Added-First"], CultureInfo.InvariantCulture);
            var last = DateTimeOffset.Parse(headers["X-TAXII-Date-Added-Last"], CultureInfo.InvariantCulture);
            // Pages follow one another in date_added; only the reference data's one large commit is split between pages.
            if (dates.Count > 0) Assert.True(first >= dates[^1], $"page {pages}: {first:O} after {dates[^1]:O}");
            dates.Add(first);
            dates.Add(last);
            next = (bool)envelope["more"]! ? (string)envelope["next"]! : null;
            Assert.Equal(next is not null, envelope.ContainsKey("next"));
            pages++;
            // Between pages: edit a case already seen and one not seen yet, and add one.
            if (edits < 4)
            {
                await EditAsync(ids[edits], $"Seen edit {edits}");
                await EditAsync(ids[^(edits + 1)], $"Unseen edit {edits}");
                ids.Add((string)(await CreateCaseAsync(CaseSamples.Minimal($"added-{edits}"))).Body["id"]!);
                edits++;
            }
        }
        while (next is not null);

        var every = await AllVersionsAsync();
        Assert.True(pages > 3);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(every.OrderBy(v => v.Id + v.Version, StringComparer.Ordinal), seen.OrderBy(v => v.Id + v.Version, StringComparer.Ordinal));
        Assert.Equal(16, seen.Select(s => s.Id).Distinct().Count(s => s.StartsWith("report--", StringComparison.Ordinal)));
        Assert.Equal(12 + 4 + 8, seen.Count(s => s.Id.StartsWith("report--", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_poller_of_the_last_versions_ends_with_every_object_as_it_is_now_and_sees_no_version_twice()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++) ids.Add((string)(await CreateCaseAsync(CaseSamples.Minimal($"case-{i}"))).Body["id"]!);
        var seen = new List<(string Id, string Version)>();
        string? next = null;
        var edits = 0;

        do
        {
            var envelope = await GetAsync($"{Objects}?limit=3&match[type]=report" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}"));
            seen.AddRange(ObjectsOf(envelope).Select(o => ((string)o["id"]!, (string)o["modified"]!)));
            next = (bool)envelope["more"]! ? (string)envelope["next"]! : null;
            if (edits < 3) await EditAsync(ids[edits * 4], $"Edit {edits++}");
        }
        while (next is not null);

        var now = ObjectsOf(await GetAsync($"{Objects}?match[type]=report&limit=1000")).Select(o => ((string)o["id"]!, (string)o["modified"]!)).ToList();
        Assert.Equal(10, now.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(now.Except(seen));
    }

    [Fact]
    public async Task Added_after_the_last_date_added_gives_only_what_changed_since_and_paging_by_it_alone_misses_nothing()
    {
        var a = (string)(await CreateCaseAsync(CaseSamples.Full("case-a"))).Body["id"]!;
        await CreateCaseAsync(CaseSamples.Minimal("case-b"));
        var (_, headers) = await GetWithHeadersAsync($"{Objects}?limit=1000");
        var last = headers["X-TAXII-Date-Added-Last"];

        await EditAsync(a, "Edited");
        var (since, sinceHeaders) = await GetWithHeadersAsync($"{Objects}?added_after={Uri.EscapeDataString(last)}");

        var objects = ObjectsOf(since);
        Assert.Equal(StixIds.Report(Guid.Parse(a)), (string?)objects[0]["id"]);
        Assert.Equal("Edited", (string?)objects[0]["description"]);
        Assert.All(objects.Skip(1), o => Assert.Equal("relationship", (string?)o["type"]));
        Assert.True(DateTimeOffset.Parse(sinceHeaders["X-TAXII-Date-Added-First"], CultureInfo.InvariantCulture)
            > DateTimeOffset.Parse(last, CultureInfo.InvariantCulture));
        Assert.False((bool)since["more"]!);
        Assert.Empty(ObjectsOf(await GetAsync($"{Objects}?added_after={Uri.EscapeDataString(sinceHeaders["X-TAXII-Date-Added-Last"])}")));

        // A poller that ignores next and asks again from each page's X-TAXII-Date-Added-Last gets every version once.
        var byDate = new List<(string, string)>();
        string? after = null;
        while (true)
        {
            var (page, pageHeaders) = await GetWithHeadersAsync($"{Objects}?limit=1&match[type]=report&match[version]=all" + (after is null ? "" : $"&added_after={Uri.EscapeDataString(after)}"));
            var found = ObjectsOf(page);
            if (found.Count == 0) break;
            byDate.AddRange(found.Select(o => ((string)o["id"]!, (string)o["modified"]!)));
            after = pageHeaders["X-TAXII-Date-Added-Last"];
        }
        Assert.Equal(3, byDate.Count);
        Assert.Equal((await AllVersionsAsync()).Where(v => v.Id.StartsWith("report--", StringComparison.Ordinal)).Order(), byDate.Order());
    }

    [Fact]
    public async Task A_page_ends_between_commits_unless_one_commit_alone_is_larger_than_the_limit()
    {
        var (_, reference) = await GetWithHeadersAsync($"{Objects}?match[type]=threat-actor&limit=1");
        for (var i = 0; i < 3; i++)
        {
            var request = CaseSamples.Full($"full-{i}");
            request["defendants"] = new JsonArray($"Defendant {i}");
            request["victims"] = new JsonArray($"Victim {i}");
            await CreateCaseAsync(request);
        }
        var manifest = $"{Root}collections/{CasesCollection}/manifest/?added_after={Uri.EscapeDataString(reference["X-TAXII-Date-Added-Last"])}";

        var whole = await ManifestPagesAsync($"{manifest}&limit=8");
        var split = await ManifestPagesAsync($"{manifest}&limit=4");

        // Each case's commit is six versions (its report, three relationships, two identities) with one date_added.
        Assert.Equal([6, 6, 6], whole.Select(p => p.Count));
        Assert.All(whole, p => Assert.Single(p.Distinct()));
        Assert.Equal(3, whole.Select(p => p[0]).Distinct().Count());
        Assert.True(whole[0][0] < whole[1][0] && whole[1][0] < whole[2][0]);
        // Smaller than a commit: the commit is split, and the page after it still stops at the commit's end.
        Assert.Equal([4, 2, 4, 2, 4, 2], split.Select(p => p.Count));
        Assert.Equal(whole.SelectMany(p => p), split.SelectMany(p => p));
    }

    [Fact]
    public async Task Match_type_id_and_version_all_select_objects_and_their_versions()
    {
        var id = (string)(await CreateCaseAsync(CaseSamples.Full("full"))).Body["id"]!;
        await CreateCaseAsync(CaseSamples.Minimal("minimal"));
        await EditAsync(id, "Second");
        var report = StixIds.Report(Guid.Parse(id));

        var types = ObjectsOf(await GetAsync($"{Objects}?match[type]=threat-actor,identity"));
        var byId = ObjectsOf(await GetAsync($"{Objects}?match[id]={report}"));
        var all = ObjectsOf(await GetAsync($"{Objects}?match[id]={report}&match[version]=all"));
        var first = ObjectsOf(await GetAsync($"{Objects}?match[id]={report}&match[version]=first"));
        var atTime = ObjectsOf(await GetAsync($"{Objects}?match[id]={report}&match[version]={(string)first[0]["modified"]!}"));
        var relationship = ObjectsOf(await GetAsync($"{Objects}?match[type]=relationship")).First(o => (string?)o["relationship_type"] == "targets");
        var relationshipById = ObjectsOf(await GetAsync($"{Objects}?match[id]={(string)relationship["id"]!}&match[version]=all"));

        Assert.NotEmpty(types);
        Assert.All(types, o => Assert.True((string?)o["type"] is "threat-actor" or "identity"));
        Assert.Contains(types, o => (string?)o["name"] == "General Electric");
        Assert.Contains(types, o => (string?)o["id"] == StixIds.ThreatActor("soe"));
        Assert.Equal([report], byId.Select(o => (string)o["id"]!));
        Assert.Equal("Second", (string?)byId[0]["description"]);
        Assert.Equal(2, all.Count);
        Assert.True(string.CompareOrdinal((string)all[1]["modified"]!, (string)all[0]["modified"]!) > 0);
        Assert.Equal((string?)all[0]["modified"], (string?)first.Single()["modified"]);
        Assert.Equal((string?)all[0]["modified"], (string?)atTime.Single()["modified"]);
        Assert.Equal(2, relationshipById.Count);
        AssertValid([.. types, .. all, .. relationshipById]);
    }

    [Fact]
    public async Task The_manifest_an_object_and_its_versions_agree_with_the_objects()
    {
        var id = (string)(await CreateCaseAsync(CaseSamples.Minimal("one"))).Body["id"]!;
        await EditAsync(id, "Second");
        await EditAsync(id, "Third");
        var report = StixIds.Report(Guid.Parse(id));
        var collection = $"{Root}collections/{CasesCollection}";

        var manifest = await GetAsync($"{collection}/manifest/?match[version]=all&match[type]=report");
        var versions = await GetAsync($"{collection}/objects/{report}/versions/");
        var one = await GetAsync($"{collection}/objects/{report}/");
        var all = await GetAsync($"{collection}/objects/{report}/?match[version]=all");

        var entries = manifest["objects"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal(report, (string?)e["id"]);
            Assert.Equal("application/stix+json;version=2.1", (string?)e["media_type"]);
        });
        var dates = entries.Select(e => DateTimeOffset.Parse((string)e["date_added"]!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(dates.Order(), dates);
        Assert.Equal(3, dates.Distinct().Count());
        Assert.Equal(entries.Select(e => (string)e["version"]!), versions["versions"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(entries.Select(e => (string)e["version"]!), ObjectsOf(all).Select(o => (string)o["modified"]!));
        Assert.Equal("Third", (string?)ObjectsOf(one).Single()["description"]);
        Assert.False((bool)versions["more"]!);
        AssertValid(ObjectsOf(all));
    }

    [Fact]
    public async Task A_release_collection_stays_as_it_was_while_the_store_changes()
    {
        var id = (string)(await CreateCaseAsync(CaseSamples.Full("full"))).Body["id"]!;
        await CreateCaseAsync(CaseSamples.Minimal("minimal"));
        using (var taken = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "r1", description = "First." }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        }
        var released = StixIds.UuidV5(StixIds.Namespace, "taxii-collection:release-r1").ToString("D");
        string[] reads = [$"objects/?match[version]=all", "objects/", "manifest/", $"objects/{StixIds.Report(Guid.Parse(id))}/versions/"];
        var before = new List<string>();
        foreach (var read in reads) before.Add((await GetAsync($"{Root}collections/{released}/{read}")).ToJsonString());

        await EditAsync(id, "After the release");
        await CreateCaseAsync(CaseSamples.Full("later"));
        var after = new List<string>();
        foreach (var read in reads) after.Add((await GetAsync($"{Root}collections/{released}/{read}")).ToJsonString());
        var live = await GetAsync($"{Objects}?match[version]=all");

        Assert.Equal(before, after);
        Assert.DoesNotContain("After the release", after[0], StringComparison.Ordinal);
        Assert.Contains("After the release", live.ToJsonString(), StringComparison.Ordinal);
        AssertValid(ObjectsOf(JsonNode.Parse(after[0])!.AsObject()));
    }

    [Fact]
    public async Task A_wrong_Accept_is_406_no_key_is_401_and_what_does_not_exist_is_a_404_TAXII_error()
    {
        await CreateCaseAsync(CaseSamples.Minimal("one"));
        using var json = new HttpRequestMessage(HttpMethod.Get, Objects);
        json.Headers.Accept.ParseAdd("application/json");
        using var notAcceptable = await Client.SendAsync(json, Ct);
        using var anonymous = await AnonymousClient().GetAsync("/taxii2/", Ct);
        var missingCollection = await SendAsync($"{Root}collections/{Guid.NewGuid()}/objects/");
        var missingObject = await SendAsync($"{Objects}{StixIds.Report(Guid.NewGuid())}/");
        var badLimit = await SendAsync($"{Objects}?limit=none");

        Assert.Equal(HttpStatusCode.NotAcceptable, notAcceptable.StatusCode);
        Assert.Equal(Taxii, notAcceptable.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        foreach (var (response, body, status) in new[] { missingCollection, missingObject, badLimit })
        {
            Assert.Equal(Taxii, response.Replace(" ", "", StringComparison.Ordinal));
            Assert.NotNull(body["title"]);
            Assert.NotNull(body["description"]);
            Assert.Equal(((int)status).ToString(CultureInfo.InvariantCulture), (string?)body["http_status"]);
        }
        Assert.Equal(HttpStatusCode.NotFound, missingCollection.Status);
        Assert.Equal(HttpStatusCode.NotFound, missingObject.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.Status);
    }

    [Fact]
    public async Task A_deleted_case_and_a_merged_entity_are_published_as_their_last_version_revoked()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full("gone"));
        var id = (string)created["id"]!;
        var naming = CaseSamples.Minimal("pengs");
        naming["defendants"] = new JsonArray("Xuehua Peng", "Edward Peng");
        await CreateCaseAsync(naming);
        var report = StixIds.Report(Guid.Parse(id));
        var before = ObjectsOf(await GetAsync($"{Objects}?match[id]={report}")).Single();
        var edward = ObjectsOf(await GetAsync($"{Objects}?match[type]=identity")).Single(o => (string?)o["name"] == "Edward Peng");

        using (var deleted = await Client.DeleteAsync($"/api/v1/cases/{id}", etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var merged = await Client.PostAsJsonAsync("/api/v1/entities/edward-peng/merge", new { into = "xuehua-peng" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        }
        var objects = ObjectsOf(await GetAsync(Objects));
        var versions = await GetAsync($"{Root}collections/{CasesCollection}/objects/{report}/versions/");

        var revoked = objects.Single(o => (string?)o["id"] == report);
        Assert.True((bool)revoked["revoked"]!);
        Assert.Equal((string?)before["name"], (string?)revoked["name"]);
        Assert.True(string.CompareOrdinal((string)revoked["modified"]!, (string)before["modified"]!) > 0);
        var targets = objects.Where(o => (string?)o["relationship_type"] == "targets").ToList();
        Assert.Equal(3, targets.Count);
        Assert.All(targets, t => Assert.True((bool)t["revoked"]!));
        Assert.True((bool)objects.Single(o => (string?)o["id"] == (string?)edward["id"])["revoked"]!);
        Assert.DoesNotContain(objects.Where(o => (string?)o["name"] == "Xuehua Peng"), o => o.ContainsKey("revoked"));
        Assert.Equal([(string)before["modified"]!, (string)revoked["modified"]!], versions["versions"]!.AsArray().Select(v => (string)v!));
        AssertValid(objects);
    }

    private async Task EditAsync(string id, string summary)
    {
        using var current = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
        using var patched = await Client.MergePatchAsync($"/api/v1/cases/{id}", $$"""{"summary": "{{summary}}"}""", current.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
    }

    /// <summary>The date_added of each page's entries, following next to the end.</summary>
    private async Task<List<List<DateTimeOffset>>> ManifestPagesAsync(string url)
    {
        var pages = new List<List<DateTimeOffset>>();
        string? next = null;
        do
        {
            var page = await GetAsync(url + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}"));
            pages.Add([.. page["objects"]!.AsArray().Select(e => DateTimeOffset.Parse((string)e!["date_added"]!, CultureInfo.InvariantCulture))]);
            next = (bool)page["more"]! ? (string)page["next"]! : null;
        }
        while (next is not null);
        return pages;
    }

    /// <summary>Every version the live collection holds now, read in one page.</summary>
    private async Task<List<(string Id, string Version)>> AllVersionsAsync() =>
        [.. ObjectsOf(await GetAsync($"{Objects}?match[version]=all&limit=1000")).Select(o => ((string)o["id"]!, (string)o["modified"]!))];

    private async Task<JsonObject> GetAsync(string url) => (await GetWithHeadersAsync(url)).Body;

    /// <summary>A TAXII GET as a client makes it: 200, the TAXII media type, and the body and headers.</summary>
    private async Task<(JsonObject Body, Dictionary<string, string> Headers)> GetWithHeadersAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(Taxii);
        using var response = await Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Equal(Taxii, response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        return (JsonNode.Parse(text)!.AsObject(), response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value)));
    }

    private async Task<(string MediaType, JsonObject Body, HttpStatusCode Status)> SendAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(Taxii);
        using var response = await Client.SendAsync(request, Ct);
        return (response.Content.Headers.ContentType!.ToString(), JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject(),
            response.StatusCode);
    }

    private static List<JsonObject> ObjectsOf(JsonObject envelope) =>
        envelope["objects"] is JsonArray objects ? [.. objects.Select(o => o!.AsObject())] : [];

    private static void AssertValid(IEnumerable<JsonObject> objects)
    {
        var errors = objects.SelectMany(StixSchemas.Errors).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} schema errors:\n{string.Join('\n', errors.Take(20))}");
    }
}
