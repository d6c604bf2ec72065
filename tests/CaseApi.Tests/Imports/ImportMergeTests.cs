using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

/// <summary>An import changes only what the file names; replacing a whole case is asked for explicitly.</summary>
public sealed class ImportMergeTests(CaseApiFactory api) : ImportTest(api)
{
    private async Task<JsonObject> GetCaseAsync(string slug)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/{slug}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    [Fact]
    public async Task A_csv_upsert_changes_only_the_columns_in_its_header_and_an_empty_cell_clears()
    {
        await CreateCaseAsync(Case("kept"));
        var before = await GetCaseAsync("kept");

        var report = await ImportReportAsync("slug,title,summary,sentenceMonths\r\nkept,New title,,\r\n", CsvType);

        AssertCounts(report, received: 1, created: 0, updated: 1, unchanged: 0, rejected: 0);
        var after = await GetCaseAsync("kept");
        Assert.Equal("New title", (string?)after["title"]);
        Assert.Null(after["summary"]);
        Assert.Null(after["sentenceMonths"]);
        foreach (var field in new[] { "sponsor", "tradecraft", "defendants", "sectors", "sources", "listedIn", "chargedOn", "fineUsd" })
        {
            Assert.True(JsonNode.DeepEquals(before[field], after[field]), $"{field}: {after[field]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task A_json_or_ndjson_upsert_keeps_absent_properties_and_null_clears()
    {
        await CreateCaseAsync(Case("json-kept"));
        await CreateCaseAsync(Case("ndjson-kept"));
        var before = await GetCaseAsync("json-kept");

        var json = await ImportReportAsync("""[{"slug":"json-kept","venue":null,"tags":null,"outcome":"acquitted"}]""", JsonType);
        var ndjson = await ImportReportAsync("""{"slug":"ndjson-kept","venue":null,"tags":null,"outcome":"acquitted"}""" + "\n", NdjsonType);

        AssertCounts(json, received: 1, created: 0, updated: 1, unchanged: 0, rejected: 0);
        AssertCounts(ndjson, received: 1, created: 0, updated: 1, unchanged: 0, rejected: 0);
        foreach (var slug in new[] { "json-kept", "ndjson-kept" })
        {
            var after = await GetCaseAsync(slug);
            Assert.Equal("acquitted", (string?)after["outcome"]);
            Assert.Null(after["venue"]);
            Assert.Empty(after["tags"]!.AsArray());
            Assert.True(JsonNode.DeepEquals(before["sources"], after["sources"]));
            Assert.Equal((string?)before["title"], (string?)after["title"]);
        }
    }

    [Fact]
    public async Task A_partial_record_that_would_create_a_case_is_a_row_error_for_each_missing_required_field()
    {
        var report = await ImportReportAsync("""{"slug":"brand-new","title":"Only a title"}""" + "\n", NdjsonType, expected: HttpStatusCode.UnprocessableEntity);

        Assert.Equal([(1, "activityTypes"), (1, "collectorType"), (1, "sectors"), (1, "outcome")], ErrorsOf(report));
        AssertCounts(report, received: 1, created: 0, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal(0, await CountCasesAsync());
    }

    [Fact]
    public async Task Clearing_a_required_field_of_a_stored_case_is_a_row_error()
    {
        await CreateCaseAsync(Case("stays"));

        var report = await ImportReportAsync("slug,title\r\nstays,\r\n", CsvType, expected: HttpStatusCode.UnprocessableEntity);

        Assert.Equal([(1, "title")], ErrorsOf(report));
        Assert.Equal("Full case", (string?)(await GetCaseAsync("stays"))["title"]);
    }

    [Fact]
    public async Task Mode_replace_replaces_the_whole_case_and_clears_what_the_file_leaves_out()
    {
        await CreateCaseAsync(Case("replaced"));

        var report = await ImportReportAsync(Csv(CaseSamples.Minimal("replaced")).Replace("\"A test case\"", "\"Replaced\"", StringComparison.Ordinal), CsvType, "?mode=replace");

        AssertCounts(report, received: 1, created: 0, updated: 1, unchanged: 0, rejected: 0);
        var after = await GetCaseAsync("replaced");
        Assert.Equal("Replaced", (string?)after["title"]);
        Assert.Null(after["sponsor"]);
        Assert.Empty(after["sources"]!.AsArray());
        Assert.Empty(after["tradecraft"]!.AsArray());
    }

    [Fact]
    public async Task A_dry_run_lists_each_row_that_would_change_with_its_field_level_diff()
    {
        await CreateCaseAsync(Case("to-change"));
        await CreateCaseAsync(Case("same"));
        var csv = "slug,title,summary,sectors\r\n" +
                  "to-change,Changed title,,aerospace\r\n" +
                  "same,Full case,An engineer took turbine designs to a state-owned enterprise.,aerospace;energy\r\n" +
                  "created-one,New,,aerospace\r\n";

        var report = await ImportReportAsync(csv, CsvType, "?dryRun=true&atomic=false");

        AssertCounts(report, received: 3, created: 0, updated: 1, unchanged: 1, rejected: 1);
        var change = Assert.Single(report["changes"]!.AsArray())!.AsObject();
        Assert.Equal(1, (int)change["row"]!);
        Assert.Equal("update", (string?)change["action"]);
        var fields = change["fields"]!.AsObject();
        Assert.Equal(["sectors", "summary", "title"], fields.Select(f => f.Key).Order());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"from":"Full case","to":"Changed title"}"""), fields["title"]), fields.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"from":["aerospace","energy"],"to":["aerospace"]}"""), fields["sectors"]), fields.ToJsonString());
        Assert.Null(fields["summary"]!["to"]);
        Assert.Equal("Full case", (string?)(await GetCaseAsync("to-change"))["title"]);
    }

    [Fact]
    public async Task A_dry_run_diff_of_a_new_case_lists_the_fields_it_would_set_and_is_capped()
    {
        var cases = Enumerable.Range(1, 120).Select(i => CaseSamples.Minimal($"new-{i:D3}")).ToArray();

        var report = await ImportReportAsync(Ndjson(cases), NdjsonType, "?dryRun=true");

        AssertCounts(report, received: 120, created: 120, updated: 0, unchanged: 0, rejected: 0);
        var changes = report["changes"]!.AsArray();
        Assert.Equal(100, changes.Count);
        var first = changes[0]!.AsObject();
        Assert.Equal("create", (string?)first["action"]);
        Assert.Equal(["activityTypes", "collectorType", "outcome", "sectors", "slug", "title"], first["fields"]!.AsObject().Select(f => f.Key).Order());
        Assert.Null(first["fields"]!["title"]!["from"]);
    }

    [Fact]
    public async Task A_row_naming_list_evidence_alone_is_judged_against_the_stored_lists()
    {
        await CreateCaseAsync(Case("listed"));

        var report = await ImportReportAsync("slug,listEvidence\r\nlisted,csis-survey=CSIS-41\r\n", CsvType);

        AssertCounts(report, received: 1, created: 0, updated: 1, unchanged: 0, rejected: 0);
        var evidence = Assert.Single((await GetCaseAsync("listed"))["listEvidence"]!.AsArray())!;
        Assert.Equal(("csis-survey", "CSIS-41"), ((string?)evidence["list"], (string?)evidence["reference"]));
    }

    [Fact]
    public async Task A_row_naming_list_evidence_for_a_list_the_stored_case_is_not_on_is_refused_by_the_store()
    {
        var stored = Case("listed");
        stored["listedIn"] = new JsonArray("doj-press-releases");
        await CreateCaseAsync(stored);
        var created = CaseSamples.Minimal("new-case");
        created["listEvidence"] = new JsonArray(new JsonObject { ["list"] = "csis-survey" });

        var report = await ImportReportAsync(
            """{"slug":"listed","listEvidence":[{"list":"csis-survey"}]}""" + "\n" + Ndjson(created), NdjsonType,
            expected: HttpStatusCode.UnprocessableEntity);

        Assert.Equal([(1, "listEvidence"), (2, "listEvidence")], ErrorsOf(report));
        Assert.Empty((await GetCaseAsync("listed"))["listEvidence"]!.AsArray());
    }
}
