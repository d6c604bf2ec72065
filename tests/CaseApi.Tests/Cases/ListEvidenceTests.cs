using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

/// <summary>A case's membership in a list may carry the list's own reference and how it was matched.</summary>
public sealed class ListEvidenceTests(CaseApiFactory api) : ApiTest(api)
{
    private const string Csis = "csis-survey";
    private const string Doj = "doj-press-releases";

    private static JsonObject Evidenced(string slug = "evidenced-case")
    {
        var c = CaseSamples.Minimal(slug);
        c["listedIn"] = new JsonArray(Doj, Csis);
        c["listEvidence"] = new JsonArray(
            new JsonObject
            {
                ["list"] = Csis, ["reference"] = "https://www.csis.org/programs/survey-chinese-espionage#2019-041",
                ["matchMethod"] = "manual", ["matchedBy"] = "analyst-7", ["matchedAt"] = "2026-11-02T09:30:00+00:00", ["threshold"] = null,
            },
            new JsonObject
            {
                ["list"] = Doj, ["reference"] = "DOJ-OPA-19-1125", ["matchMethod"] = "rule", ["matchedBy"] = "doj-url-rule", ["matchedAt"] = null,
                ["threshold"] = null,
            });
        return c;
    }

    private static readonly string[] EvidenceProperties = ["list", "reference", "matchMethod", "matchedBy", "matchedAt", "threshold"];

    /// <summary>Evidence as the API returns it: every property present, null where not given.</summary>
    private static JsonArray Evidence(string json) => new([.. JsonNode.Parse(json)!.AsArray().Select(e => (JsonNode)new JsonObject(
        EvidenceProperties.Select(p => KeyValuePair.Create(p, e![p]?.DeepClone()))))]);

    private async Task<JsonObject> GetCaseAsync(string slug)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/{slug}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    private async Task<JsonObject> ImportCsvAsync(string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);
        var body = await ReadObjectAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    [Fact]
    public async Task Evidence_reads_back_as_written_and_listed_in_is_unchanged()
    {
        var request = Evidenced();

        var (created, _) = await CreateCaseAsync(request);
        var fetched = await GetCaseAsync("evidenced-case");

        Assert.True(JsonNode.DeepEquals(request["listEvidence"], fetched["listEvidence"]), fetched["listEvidence"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(request["listEvidence"], created["listEvidence"]), created["listEvidence"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(new JsonArray(Doj, Csis), fetched["listedIn"]));
    }

    [Fact]
    public async Task A_case_without_evidence_has_an_empty_list_and_the_list_endpoint_carries_it()
    {
        await CreateCaseAsync(CaseSamples.Minimal("bare-case"));
        await CreateCaseAsync(Evidenced());

        var page = await Client.GetFromJsonAsync<JsonObject>("/api/v1/cases?sort=title", Ct);

        var items = page!["items"]!.AsArray().Select(i => i!.AsObject()).ToDictionary(i => (string)i["slug"]!);
        Assert.Empty(items["bare-case"]["listEvidence"]!.AsArray());
        Assert.Equal(2, items["evidenced-case"]["listEvidence"]!.AsArray().Count);
    }

    [Fact]
    public async Task Merge_patch_replaces_the_evidence_and_removing_a_list_that_still_has_evidence_is_400()
    {
        var (created, etag) = await CreateCaseAsync(Evidenced());

        using var refused = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", $$"""{"listedIn": ["{{Doj}}"]}""", etag);
        await Problems.AssertFieldAsync(refused, "listEvidence[0].list");

        using var patched = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}",
            $$"""{"listedIn": ["{{Doj}}"], "listEvidence": [{"list": "{{Doj}}", "reference": "DOJ-1"}]}""", etag);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = await ReadObjectAsync(patched);
        Assert.True(JsonNode.DeepEquals(Evidence($$"""[{"list": "{{Doj}}", "reference": "DOJ-1"}]"""), body["listEvidence"]), body.ToJsonString());
    }

    [Theory]
    [InlineData("a list the case is not in", "listEvidence[0].list", """[{"list": "news-media"}]""")]
    [InlineData("one reference given twice", "listEvidence[1]", """[{"list": "csis-survey", "reference": "2"}, {"list": "csis-survey", "reference": "2"}]""")]
    [InlineData("no list", "listEvidence[0].list", """[{"reference": "x"}]""")]
    [InlineData("a null item", "listEvidence[0]", """[null]""")]
    [InlineData("a reference over 500 characters", "listEvidence[0].reference", """[{"list": "csis-survey", "reference": "LONG"}]""")]
    [InlineData("a javascript: link", "listEvidence[0].reference", """[{"list": "csis-survey", "reference": "javascript:alert(1)"}]""")]
    [InlineData("a link without scheme", "listEvidence[0].reference", """[{"list": "csis-survey", "reference": "www.csis.org/x"}]""")]
    [InlineData("an ftp link", "listEvidence[0].reference", """[{"list": "csis-survey", "reference": "ftp://example.org/x"}]""")]
    [InlineData("an unknown match method", "listEvidence[0].matchMethod", """[{"list": "csis-survey", "matchMethod": "guess"}]""")]
    [InlineData("a match in the future", "listEvidence[0].matchedAt", """[{"list": "csis-survey", "matchedAt": "2999-01-01T00:00:00Z"}]""")]
    [InlineData("a matcher name over 200 characters", "listEvidence[0].matchedBy", """[{"list": "csis-survey", "matchedBy": "LONG"}]""")]
    [InlineData("a NUL character", "listEvidence[0].reference", """[{"list": "csis-survey", "reference": "a\u0000b"}]""")]
    public async Task Invalid_evidence_is_a_400_problem_naming_the_field(string why, string field, string evidence)
    {
        var request = CaseSamples.Minimal();
        request["listedIn"] = new JsonArray(Csis);
        request["listEvidence"] = JsonNode.Parse(evidence.Replace("LONG", new string('x', 501), StringComparison.Ordinal));

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        Assert.False(string.IsNullOrEmpty(why));
        await Problems.AssertFieldAsync(response, field);
    }

    [Fact]
    public async Task One_list_may_give_several_references_for_one_case()
    {
        // A list can publish several releases about one case (an indictment, then a sentencing): each is evidence.
        var request = CaseSamples.Minimal();
        request["listedIn"] = new JsonArray(Csis);
        request["listEvidence"] = JsonNode.Parse("""[{"list": "csis-survey", "reference": "1"}, {"list": "csis-survey", "reference": "2"}]""");

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadObjectAsync(response);
        Assert.True(JsonNode.DeepEquals(Evidence("""[{"list": "csis-survey", "reference": "1"}, {"list": "csis-survey", "reference": "2"}]"""),
            body["listEvidence"]), body.ToJsonString());
    }

    [Fact]
    public async Task A_plain_entry_id_and_a_reference_without_match_details_are_accepted()
    {
        var request = CaseSamples.Minimal();
        request["listedIn"] = new JsonArray(Csis);
        request["listEvidence"] = new JsonArray(new JsonObject { ["list"] = Csis, ["reference"] = "CSIS 2019: entry 41 (a=b)" });

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Csv_export_writes_evidence_as_a_json_cell_that_imports_back_unchanged()
    {
        await CreateCaseAsync(Evidenced());
        var export = await Client.GetStringAsync("/api/v1/cases/export?format=csv", Ct);
        await Api.ResetDatabaseAsync();

        var report = await ImportCsvAsync(export);

        Assert.Equal(1, (int)report["created"]!);
        Assert.Contains("listEvidence", export.Split('\n')[0], StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(Evidenced()["listEvidence"], (await GetCaseAsync("evidenced-case"))["listEvidence"]));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("ndjson")]
    public async Task Json_exports_carry_the_evidence(string format)
    {
        await CreateCaseAsync(Evidenced());

        var export = await Client.GetStringAsync($"/api/v1/cases/export?format={format}", Ct);

        var exported = format == "json" ? JsonNode.Parse(export)![0]! : JsonNode.Parse(export.Split('\n')[0])!;
        Assert.True(JsonNode.DeepEquals(Evidenced()["listEvidence"], exported["listEvidence"]), exported.ToJsonString());
    }

    [Fact]
    public async Task A_hand_written_csv_gives_evidence_as_list_equals_reference_pairs()
    {
        var csv = "slug,title,activityTypes,collectorType,sectors,outcome,listedIn,listEvidence\r\n"
            + $"hand-case,Hand,espionage,other,aerospace,charged,{Doj};{Csis},\"{Doj}=https://www.justice.gov/opa/pr/x?a=1;{Csis}\"\r\n";

        var report = await ImportCsvAsync(csv);

        Assert.Equal(1, (int)report["created"]!);
        var expected = Evidence($$"""[{"list": "{{Doj}}", "reference": "https://www.justice.gov/opa/pr/x?a=1"}, {"list": "{{Csis}}"}]""");
        Assert.True(JsonNode.DeepEquals(expected, (await GetCaseAsync("hand-case"))["listEvidence"]));
    }

    [Fact]
    public async Task A_csv_row_with_evidence_for_a_list_it_is_not_in_is_reported_and_not_written()
    {
        var csv = "slug,title,activityTypes,collectorType,sectors,outcome,listedIn,listEvidence\r\n"
            + $"bad-case,Bad,espionage,other,aerospace,charged,{Doj},{Csis}=42\r\n";

        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);
        var report = await ReadObjectAsync(response);

        Assert.Equal(0, (int?)report["created"] ?? 0);
        Assert.Contains(report["errors"]!.AsArray(), e => (string?)e!["field"] == "listEvidence[0].list");
    }

    [Fact]
    public async Task An_upsert_row_that_drops_a_list_which_still_has_evidence_is_rejected_and_the_case_kept()
    {
        await CreateCaseAsync(Evidenced());

        using var content = new StringContent($"slug,listedIn\r\nevidenced-case,{Doj}\r\n", Encoding.UTF8, "text/csv");
        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);
        var report = await ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(report["errors"]!.AsArray(), e => (string?)e!["field"] == "listEvidence");
        var stored = await GetCaseAsync("evidenced-case");
        Assert.Equal(2, stored["listedIn"]!.AsArray().Count);
        Assert.Equal(2, stored["listEvidence"]!.AsArray().Count);
    }

    [Fact]
    public void The_short_csv_form_splits_at_the_first_equals_sign()
    {
        Assert.Equal(new ListEvidence(Doj, "https://x.example/?a=b"), ListEvidence.FromPair($" {Doj} = https://x.example/?a=b "));
        Assert.Equal(new ListEvidence(Csis), ListEvidence.FromPair(Csis));
        Assert.Equal(new ListEvidence(Csis), ListEvidence.FromPair($"{Csis}="));
    }
}
