using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Entities;

/// <summary>Issue 36 item 5: a person's name leaves the store, its history and every read of them, and the chain still verifies.</summary>
public sealed class EntityRedactionTests(CaseApiFactory api) : HistoryTest(api)
{
    private const string Needle = "mallory";
    private const string Release = "https://www.justice.gov/opa/pr/kevin-mallory-convicted";

    /// <summary>Kevin Mallory in a case (title, summary, defendants), changed once, in a release, merged with a second spelling.</summary>
    private async Task<(string Entity, string Case, long Before)> MalloryAsync()
    {
        using var entity = await Client.PostAsJsonAsync("/api/v1/entities", new JsonObject
        {
            ["name"] = "Kevin Patrick Mallory", ["kind"] = "person", ["aliases"] = new JsonArray("Kevin Mallory"),
            ["description"] = "Former officer who sold documents.", ["identifiers"] = new JsonObject { ["wikidata"] = "Q98765432" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, entity.StatusCode);
        var request = CaseSamples.Minimal("us-v-defendant");
        request["title"] = "United States v. Kevin Mallory";
        request["summary"] = "MALLORY, Kevin sold documents to an intelligence officer.";
        request["defendants"] = new JsonArray("MALLORY, Kevin", "Someone Else");
        request["victims"] = new JsonArray("Acme Corp");
        var (created, etag) = await CreateCaseAsync(request);
        request["outcome"] = "acquitted";
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cases/{created["id"]}") { Content = JsonContent.Create(request) };
        put.Headers.IfMatch.Add(etag);
        using var replaced = await Client.SendAsync(put, Ct);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        using var other = await Client.PostAsJsonAsync("/api/v1/entities", new JsonObject { ["name"] = "K. P. Mallory", ["kind"] = "other" }, Ct);
        using var merged = await Client.PostAsJsonAsync("/api/v1/entities/k-p-mallory/merge", new { into = "kevin-patrick-mallory" }, Ct);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "before-redaction", description = "All names." }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        var before = await WithDbAsync(db => CaseApi.Store.StoreVersion.ReadAsync(db, Ct));
        return ((string)(await ReadObjectAsync(entity))["id"]!, (string)created["id"]!, before);
    }

    private string ServerErrors() => string.Join("\n", Api.Logs.Events.Where(e => e.Exception is not null).Select(e => e.Exception!.ToString()));

    private Task<HttpResponseMessage> RedactAsync(string entity, HttpClient? client = null) =>
        (client ?? Client).PostAsJsonAsync($"/api/v1/entities/{entity}/redact", new { reason = "Acquitted; request of Kevin Mallory." }, Ct);

    [Fact]
    public async Task After_a_redaction_no_read_of_the_present_or_the_past_contains_the_name()
    {
        var (entity, id, before) = await MalloryAsync();
        using var nameBefore = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
        Assert.Contains(Needle, await nameBefore.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);

        using var redacted = await RedactAsync("kevin-patrick-mallory");

        Assert.True(redacted.StatusCode == HttpStatusCode.OK, await redacted.Content.ReadAsStringAsync(Ct) + ServerErrors());
        var body = await ReadObjectAsync(redacted);
        var placeholder = (string)body["entity"]!["name"]!;
        Assert.StartsWith("Redacted person ", placeholder, StringComparison.Ordinal);
        string[] reads =
        [
            $"/api/v1/cases/{id}", "/api/v1/cases", "/api/v1/cases/export?format=csv", "/api/v1/cases/export?format=ndjson",
            $"/api/v1/cases/{id}?asOf={before}", $"/api/v1/cases?asOf={before}", "/api/v1/cases?release=before-redaction",
            "/api/v1/cases/export?format=ndjson&release=before-redaction", $"/api/v1/cases/{id}/history",
            $"/api/v1/entities/{entity}", $"/api/v1/entities/{entity}?asOf={before}", $"/api/v1/entities?asOf={before}",
            "/api/v1/entities/export?format=ndjson", $"/api/v1/entities/export?asOf={before}", "/api/v1/entities?release=before-redaction",
            "/api/v1/changes?limit=1000", "/api/v1/audit?limit=1000", "/api/v1/audit/verify",
        ];
        foreach (var read in reads)
        {
            using var response = await Client.GetAsync(read, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{read}: {(int)response.StatusCode} {text} {ServerErrors()}");
            Assert.False(text.Contains(Needle, StringComparison.OrdinalIgnoreCase), $"{read} still names the person: {text}");
        }
        using var current = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
        var redactedCase = await ReadObjectAsync(current);
        Assert.Equal([placeholder, "Someone Else"], redactedCase["defendants"]!.AsArray().Select(d => (string?)d));
        Assert.Equal($"United States v. {placeholder}", (string?)redactedCase["title"]);
        using var oldSlug = await Client.GetAsync("/api/v1/entities/kevin-patrick-mallory", Ct);
        await Problems.AssertAsync(oldSlug, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_chain_still_verifies_and_names_the_redaction()
    {
        var (entity, _, _) = await MalloryAsync();

        using var redacted = await RedactAsync(entity);
        using var verify = await Client.GetAsync("/api/v1/audit/verify", Ct);

        Assert.Equal(HttpStatusCode.OK, redacted.StatusCode);
        var result = await ReadObjectAsync(verify);
        Assert.True(result["valid"] is { } valid && (bool)valid, result.ToJsonString() + ServerErrors());
        var redaction = result["redactions"]!.AsArray().Single(r => (string?)r!["entityId"] == entity)!;
        Assert.Equal((long)(await ReadObjectAsync(redacted))["redaction"]!, (long)redaction["id"]!);
        Assert.True((int)redaction["entries"]! > 0);
        Assert.Contains("Redacted person", (string?)redaction["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_naming_the_placeholder_links_to_the_redacted_entity_and_only_an_admin_may_redact()
    {
        await MalloryAsync();
        var editor = await ClientForRoleAsync("editor");

        using var refused = await RedactAsync("kevin-patrick-mallory", editor);
        using var redacted = await RedactAsync("kevin-patrick-mallory");
        var entity = (await ReadObjectAsync(redacted))["entity"]!;
        var placeholder = (string)entity["name"]!;
        var request = CaseSamples.Minimal("later");
        request["defendants"] = new JsonArray(placeholder);
        await CreateCaseAsync(request);
        using var merged = await RedactAsync("k-p-mallory");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var cases = await Client.GetAsync($"/api/v1/entities/{(string)entity["slug"]!}/cases", Ct);
        Assert.Equal(2, (int)(await ReadObjectAsync(cases))["total"]!);
        await Problems.AssertAsync(merged, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_redaction_rewrites_the_list_entries_that_name_the_person()
    {
        await MalloryAsync();
        using var list = await Client.PutAsJsonAsync("/api/v1/source-lists/doj", new { Name = "The doj list" }, Ct);
        Assert.True(list.IsSuccessStatusCode, await list.Content.ReadAsStringAsync(Ct));
        const string csv = "id,defendants,date,title,district\n" +
            $"{Release},\"MALLORY, Kevin; Jane Roe\",2018-06-08,Former CIA officer Kevin Mallory convicted,E.D. Va.\n" +
            "DOJ-2,\"Mallory,Kevin\",2019-05-17,Former officer sentenced,E.D. Va.\n" +
            "DOJ-3,Someone Unrelated,2019-01-01,Another case,D. Mass.\n";
        using var upload = await Client.PostAsync(
            "/api/v1/source-lists/doj/entries?reference=id&names=defendants&date=date&headline=title&places=district",
            new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), Ct);
        Assert.True(upload.StatusCode == HttpStatusCode.OK, await upload.Content.ReadAsStringAsync(Ct));
        using var entriesBefore = await Client.GetAsync("/api/v1/source-lists/doj/entries?limit=1000", Ct);
        Assert.Contains(Needle, await entriesBefore.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        Assert.True(await WithDbAsync(db => db.LinkageCaseKeys.AnyAsync(k => k.Value.Contains(Needle), Ct)));
        var linked = JsonNode.Parse(await entriesBefore.Content.ReadAsStringAsync(Ct))!["items"]!.AsArray()
            .Single(i => (string?)i!["reference"] == Release)!;
        using var accept = await Client.PostAsJsonAsync(
            $"/api/v1/source-lists/doj/entries/{linked["id"]}/accept", new { Case = "us-v-defendant" }, Ct);
        Assert.True(accept.IsSuccessStatusCode, await accept.Content.ReadAsStringAsync(Ct));

        using var redacted = await RedactAsync("kevin-patrick-mallory");

        Assert.True(redacted.StatusCode == HttpStatusCode.OK, await redacted.Content.ReadAsStringAsync(Ct) + ServerErrors());
        var placeholder = (string)(await ReadObjectAsync(redacted))["entity"]!["name"]!;
        using var entries = await Client.GetAsync("/api/v1/source-lists/doj/entries?limit=1000", Ct);
        var text = await entries.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, entries.StatusCode);
        Assert.False(text.Contains(Needle, StringComparison.OrdinalIgnoreCase), $"the entries still name the person: {text}");
        var items = JsonNode.Parse(text)!["items"]!.AsArray().ToDictionary(i => (string)i!["reference"]!, i => i!);
        var reference = $"https://www.justice.gov/opa/pr/redacted-person-{placeholder[^8..]}-convicted";
        var first = items[reference];
        Assert.Equal("linked", (string?)first["status"]);
        using var evidence = await Client.GetAsync("/api/v1/cases/us-v-defendant", Ct);
        var evidenceText = await evidence.Content.ReadAsStringAsync(Ct);
        Assert.Contains(reference, evidenceText, StringComparison.Ordinal);
        Assert.DoesNotContain(Needle, evidenceText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"{placeholder}; Jane Roe", (string?)first["names"]);
        Assert.Equal($"Former CIA officer {placeholder} convicted", (string?)first["headline"]);
        Assert.Equal($"{placeholder}; Jane Roe", (string?)first["raw"]!["defendants"]);
        Assert.Equal(reference, (string?)first["raw"]!["id"]);
        Assert.Equal(placeholder, (string?)items["DOJ-2"]["names"]);
        Assert.Equal(placeholder, (string?)items["DOJ-2"]["raw"]!["defendants"]);
        Assert.Equal(["redacted person " + placeholder[^8..], "jane roe"], first["nameKeys"]!.AsArray().Select(k => (string?)k));
        Assert.Equal("Someone Unrelated", (string?)items["DOJ-3"]["names"]);
        foreach (var entry in items.Values)
        {
            using var draft = await Client.GetAsync($"/api/v1/source-lists/doj/entries/{entry["id"]}/case-draft", Ct);
            Assert.DoesNotContain(Needle, await draft.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }
        Assert.False(await WithDbAsync(db => db.LinkageCaseKeys.AnyAsync(k => k.Value.Contains(Needle), Ct)));
        var stored = await WithDbAsync(db => db.ListEntries.Select(e => e.Raw + e.Names + e.Headline).ToListAsync(Ct));
        Assert.DoesNotContain(stored, e => e.Contains(Needle, StringComparison.OrdinalIgnoreCase));
        using var verify = await Client.GetAsync("/api/v1/audit/verify", Ct);
        Assert.True((bool)(await ReadObjectAsync(verify))["valid"]!);
    }

    [Fact]
    public async Task A_case_slug_that_names_the_person_gets_a_redacted_slug_in_the_present_and_the_past()
    {
        var (entity, _, _) = await MalloryAsync();
        var hex = entity.Replace("-", "", StringComparison.Ordinal)[^8..];
        var request = CaseSamples.Minimal("kevin-mallory-draft");
        request["title"] = "United States v. Kevin Mallory";
        request["defendants"] = new JsonArray("Kevin Mallory");
        request["sources"] = new JsonArray(new JsonObject { ["url"] = "https://www.justice.gov/opa/pr/kevin-mallory-sentenced" });
        var (created, etag) = await CreateCaseAsync(request);
        var id = (string)created["id"]!;
        var drafted = await WithDbAsync(db => CaseApi.Store.StoreVersion.ReadAsync(db, Ct));
        request["slug"] = "us-v-kevin-mallory";
        request["outcome"] = "acquitted";
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cases/{id}") { Content = JsonContent.Create(request) };
        put.Headers.IfMatch.Add(etag);
        using var replaced = await Client.SendAsync(put, Ct);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        // Another case already has the slug the rule would give, so the redacted one is made unique.
        await CreateCaseAsync(CaseSamples.Minimal($"us-v-redacted-person-{hex}"));
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "with-slug", description = "The slug." }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        var before = await WithDbAsync(db => CaseApi.Store.StoreVersion.ReadAsync(db, Ct));
        using var oldBefore = await Client.GetAsync($"/api/v1/cases/us-v-kevin-mallory?asOf={before}", Ct);
        Assert.Equal(HttpStatusCode.OK, oldBefore.StatusCode);
        using var draftBefore = await Client.GetAsync($"/api/v1/cases/kevin-mallory-draft?asOf={drafted}", Ct);
        Assert.Equal(HttpStatusCode.OK, draftBefore.StatusCode);

        using var redacted = await RedactAsync(entity);

        Assert.True(redacted.StatusCode == HttpStatusCode.OK, await redacted.Content.ReadAsStringAsync(Ct) + ServerErrors());
        using var byId = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
        var slug = (string)(await ReadObjectAsync(byId))["slug"]!;
        Assert.Equal($"us-v-redacted-person-{hex}-{id.Replace("-", "", StringComparison.Ordinal)[^12..]}", slug);
        foreach (var gone in new[] { "/api/v1/cases/us-v-kevin-mallory", $"/api/v1/cases/us-v-kevin-mallory?asOf={before}",
                     "/api/v1/cases/us-v-kevin-mallory?release=with-slug", $"/api/v1/cases/kevin-mallory-draft?asOf={drafted}",
                     "/api/v1/cases/never-existed" })
        {
            using var response = await Client.GetAsync(gone, Ct);
            await Problems.AssertAsync(response, HttpStatusCode.NotFound);
        }
        foreach (var read in new[] { $"/api/v1/cases/{slug}", $"/api/v1/cases/{slug}?asOf={before}", $"/api/v1/cases/{slug}?release=with-slug",
                     $"/api/v1/cases/redacted-person-{hex}-draft?asOf={drafted}" })
        {
            using var response = await Client.GetAsync(read, Ct);
            var body = await ReadObjectAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{read}: {(int)response.StatusCode} {body.ToJsonString()}");
            Assert.Equal(id, (string?)body["id"]);
        }
        string[] reads =
        [
            $"/api/v1/cases/{id}/history", "/api/v1/cases", "/api/v1/cases/export?format=ndjson", "/api/v1/cases/export?format=csv",
            "/api/v1/cases/export?format=ndjson&release=with-slug", $"/api/v1/cases?asOf={before}", "/api/v1/changes?limit=1000",
            "/api/v1/audit?limit=1000", $"/api/v1/entities/{entity}/cases",
        ];
        foreach (var read in reads)
        {
            using var response = await Client.GetAsync(read, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{read}: {(int)response.StatusCode} {text} {ServerErrors()}");
            Assert.False(text.Contains(Needle, StringComparison.OrdinalIgnoreCase), $"{read} still shows the old slug or URL: {text}");
        }
        using var verify = await Client.GetAsync("/api/v1/audit/verify", Ct);
        var result = await ReadObjectAsync(verify);
        Assert.True(result["valid"] is { } valid && (bool)valid, result.ToJsonString() + ServerErrors());
    }
}
