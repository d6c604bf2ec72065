using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

public sealed class JsonImportTests(CaseApiFactory api) : ImportTest(api)
{
    private static JsonObject With(string slug, Action<JsonObject> change)
    {
        var c = Case(slug);
        change(c);
        return c;
    }

    [Fact]
    public async Task Each_kind_of_bad_json_element_is_an_error_for_its_record()
    {
        var body = "[" + string.Join(",",
            Case("good-one").ToJsonString(),                                                  // 1
            With("unknown-field", c => c["colour"] = "red").ToJsonString(),                   // 2
            With("wrong-type", c => c["sentenceMonths"] = "ten").ToJsonString(),              // 3
            "42",                                                                             // 4
            "null",                                                                           // 5
            With("bad-sector", c => c["sectors"] = new JsonArray("knitting")).ToJsonString(), // 6
            Case("good-one").ToJsonString(),                                                  // 7: slug repeated
            Case("good-two").ToJsonString()) + "]";                                           // 8

        var report = await ImportReportAsync(body, JsonType, "?atomic=false");

        AssertCounts(report, received: 8, created: 2, updated: 0, unchanged: 0, rejected: 6);
        Assert.Equal([(2, "colour"), (3, "sentenceMonths"), (4, "$"), (5, null), (6, "sectors[0]"), (7, "slug")], ErrorsOf(report).Order().ToList());
        Assert.Equal("wrong-type", (string?)report["errors"]!.AsArray().Single(e => (int)e!["row"]! == 3)!["slug"]);
        Assert.Equal(2, await CountCasesAsync());
    }

    [Fact]
    public async Task A_json_syntax_error_stops_at_its_record_and_keeps_what_was_read_before()
    {
        var body = $$"""[{{Case("first").ToJsonString()}}, {{Case("second").ToJsonString()}}, {"slug": "third", "title": ]""";

        var report = await ImportReportAsync(body, JsonType, "?atomic=false");

        AssertCounts(report, received: 3, created: 2, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal([(3, null)], ErrorsOf(report));
        Assert.Contains("not valid JSON", (string?)report["errors"]![0]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_syntax_error_rejects_an_atomic_import()
    {
        var body = $$"""[{{Case("first").ToJsonString()}}, {"slug": """;

        var report = await ImportReportAsync(body, JsonType, expected: System.Net.HttpStatusCode.UnprocessableEntity);

        Assert.Equal("rejected", (string?)report["status"]);
        AssertCounts(report, received: 2, created: 0, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal(0, await CountCasesAsync());
    }

    [Fact]
    public async Task Each_kind_of_bad_ndjson_line_is_an_error_for_that_line()
    {
        var body = string.Join("\n",
            Case("good-one").ToJsonString(),                                               // 1
            """{"slug": "broken", "title": """,                                            // 2
            With("unknown-field", c => c["colour"] = "red").ToJsonString(),                // 3
            With("bad-date", c => c["chargedOn"] = "yesterday").ToJsonString(),            // 4
            Case("good-one").ToJsonString(),                                               // 5: slug repeated
            "",                                                                            // 6: blank, skipped
            Case("good-two").ToJsonString()) + "\n";                                       // 7

        var report = await ImportReportAsync(body, NdjsonType, "?atomic=false");

        AssertCounts(report, received: 6, created: 2, updated: 0, unchanged: 0, rejected: 4);
        Assert.Equal([(2, null), (3, "colour"), (4, "chargedOn"), (5, "slug")], ErrorsOf(report).Order().ToList());
        Assert.Equal(2, await CountCasesAsync());
    }

    [Fact]
    public async Task Ndjson_upserts_by_slug()
    {
        await ImportReportAsync(Ndjson(Case("kept"), Case("changed")), NdjsonType);

        var report = await ImportReportAsync(Ndjson(Case("kept"), With("changed", c => c["title"] = "New title"), Case("added")), NdjsonType);

        AssertCounts(report, received: 3, created: 1, updated: 1, unchanged: 1, rejected: 0);
        using var fetched = await Client.GetAsync("/api/v1/cases/changed", Ct);
        Assert.Equal("New title", (string?)(await ReadObjectAsync(fetched))["title"]);
    }

    [Fact]
    public async Task A_json_array_imports_every_element()
    {
        var report = await ImportReportAsync(JsonArrayOf(Case("one"), CaseSamples.Minimal("two")), JsonType);

        AssertCounts(report, received: 2, created: 2, updated: 0, unchanged: 0, rejected: 0);
        Assert.Equal(2, await CountCasesAsync());
    }

    [Fact]
    public async Task The_bundled_sample_file_imports_as_created_and_reimports_as_unchanged()
    {
        var file = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "public-cases.json"), Ct);
        var count = JsonNode.Parse(file)!.AsArray().Count;

        var first = await ImportReportAsync(file, JsonType);
        var again = await ImportReportAsync(file, JsonType);

        AssertCounts(first, received: count, created: count, updated: 0, unchanged: 0, rejected: 0);
        AssertCounts(again, received: count, created: 0, updated: 0, unchanged: count, rejected: 0);
    }

    [Fact]
    public async Task A_json_string_that_is_not_valid_utf8_is_a_row_error_not_a_500()
    {
        var good = Encoding.UTF8.GetBytes(JsonArrayOf(Case("good-one")));
        var at = Array.IndexOf(good, (byte)'F');
        using var content = new ByteArrayContent([.. good[..at], 0xB6, 0xBD, 0x55, 0xDA, .. good[at..]]);
        content.Headers.ContentType = new(JsonType);

        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([(1, null)], ErrorsOf(await ReadObjectAsync(response)).Select(e => (e.Row, (string?)null)).ToHashSet());
    }
}
