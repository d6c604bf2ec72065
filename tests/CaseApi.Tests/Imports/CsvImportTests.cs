using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

public sealed class CsvImportTests(CaseApiFactory api) : ImportTest(api)
{
    [Fact]
    public async Task A_valid_csv_creates_every_case_and_reads_back_exactly()
    {
        var full = Case("full-case");

        var report = await ImportReportAsync(Csv(full, CaseSamples.Minimal("minimal-case")), CsvType);

        Assert.Equal("committed", (string?)report["status"]);
        AssertCounts(report, received: 2, created: 2, updated: 0, unchanged: 0, rejected: 0);
        using var fetched = await Client.GetAsync("/api/v1/cases/full-case", Ct);
        var body = await ReadObjectAsync(fetched);
        foreach (var (name, value) in full)
        {
            Assert.True(JsonNode.DeepEquals(value, body[name]), $"{name}: sent {value?.ToJsonString()}, got {body[name]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Each_kind_of_bad_record_is_reported_with_its_row_number_and_field_in_a_dry_run()
    {
        JsonObject With(string slug, Action<JsonObject> change)
        {
            var c = Case(slug);
            change(c);
            return c;
        }
        var lines = new List<string>
        {
            CsvLine(Case("good-one")),                                                          // 1
            CsvLine(With("Bad Slug", _ => { })),                                                // 2
            CsvLine(With("no-title", c => c.Remove("title"))),                                  // 3
            CsvLine(With("bad-activity", c => c["activityTypes"] = new JsonArray("gossip"))),   // 4
            CsvLine(With("bad-sector", c => c["sectors"] = new JsonArray("aerospace", "knitting"))), // 5
            CsvLine(With("bad-sentence", c => c["sentenceMonths"] = "ten")),                    // 6
            CsvLine(With("negative-fine", c => c["fineUsd"] = -5)),                             // 7
            CsvLine(With("bad-date", c => c["chargedOn"] = "2019-13")),                         // 8
            CsvLine(With("resolved-first", c => c["resolvedOn"] = "2010")),                     // 9
            CsvLine(With("bad-url", c => c["sources"] = new JsonArray(new JsonObject { ["url"] = "ftp://example.org/x" }))), // 10
            CsvLine(With("bad-country", c => c["collectorCitizenship"] = "XX")),                // 11
            CsvLine(With("bad-sponsor", c => c["sponsor"] = "kgb")),                            // 12
            CsvLine(Case("good-one")),                                                          // 13: slug repeated
            "\"short-row\",\"Too few fields\"",                                                 // 14
            CsvLine(Case("good-two")),                                                          // 15
        };

        var report = await ImportReportAsync(Csv(lines), CsvType, "?dryRun=true");

        Assert.Equal("dry-run", (string?)report["status"]);
        AssertCounts(report, received: 15, created: 2, updated: 0, unchanged: 0, rejected: 13);
        Assert.Equal(
            [(2, "slug"), (3, "title"), (4, "activityTypes[0]"), (5, "sectors[1]"), (6, "sentenceMonths"), (7, "fineUsd"), (8, "chargedOn"),
             (9, "resolvedOn"), (10, "sources[0].url"), (11, "collectorCitizenship"), (12, "sponsor"), (13, "slug"), (14, null)],
            ErrorsOf(report).Order().ToList());
        Assert.Equal("bad-sentence", (string?)report["errors"]!.AsArray().Single(e => (int)e!["row"]! == 6)!["slug"]);
        Assert.Equal(0, await CountCasesAsync());
    }

    [Fact]
    public async Task Sources_may_be_semicolon_separated_urls_and_lists_are_trimmed()
    {
        var csv = Csv(CsvLine(new JsonObject
        {
            ["slug"] = "url-sources", ["title"] = "Title", ["activityTypes"] = " economic-espionage ; trade-secret-theft ",
            ["collectorType"] = "company", ["sectors"] = "aerospace", ["outcome"] = "charged",
            ["sources"] = "https://example.org/a; https://example.org/b",
        }));

        var report = await ImportReportAsync(csv, CsvType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        using var fetched = await Client.GetAsync("/api/v1/cases/url-sources", Ct);
        var body = await ReadObjectAsync(fetched);
        Assert.Equal("""["economic-espionage","trade-secret-theft"]""", body["activityTypes"]!.ToJsonString());
        Assert.Equal("""[{"url":"https://example.org/a","title":null,"publisher":null,"publishedOn":null,"kind":null},{"url":"https://example.org/b","title":null,"publisher":null,"publishedOn":null,"kind":null}]""",
            body["sources"]!.ToJsonString());
    }

    [Fact]
    public async Task Broken_quoting_is_an_error_for_that_record_only()
    {
        var csv = Csv(CsvLine(Case("first")), "\"broken\",\"A \"quoted\" title\"" + new string(',', 24), CsvLine(Case("third")));

        var report = await ImportReportAsync(csv, CsvType, "?atomic=false");

        AssertCounts(report, received: 3, created: 2, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal([(2, null)], ErrorsOf(report));
        Assert.Equal(2, await CountCasesAsync());
    }

    [Theory]
    [InlineData("slug,ti\"tle,sectors")]
    [InlineData("\"slug,title")]
    [InlineData("slug,\"title\"\"")]
    public async Task A_header_with_a_stray_quote_is_a_400_problem_not_a_500(string header)
    {
        using var response = await ImportAsync(header + "\r\nsome-case,A title,aerospace\r\n", CsvType);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountCasesAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0x0D, 0x22, 0x22, 0x0A, 0x2C, 0x22 })]
    [InlineData(new byte[] { 0xC3, 0x28, 0x22, 0x0A, 0x22, 0x3B })]
    [InlineData(new byte[] { 0x73, 0x6C, 0x75, 0x67, 0x0A, 0x22, 0x61, 0x22, 0x62, 0x0D })]
    public async Task Short_runs_of_random_bytes_are_a_4xx_problem_or_row_errors(byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(CsvType);

        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);

        Assert.InRange((int)response.StatusCode, 400, 499);
        var body = await ReadObjectAsync(response);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json" || (string?)body["status"] == "rejected", body.ToJsonString());
        Assert.Equal(0, await CountCasesAsync());
    }

    [Fact]
    public async Task An_xlsx_file_posted_as_csv_is_a_415_naming_what_it_looks_like()
    {
        using var content = new ByteArrayContent([.. "PK\u0003\u0004"u8, .. new byte[200]]);
        content.Headers.ContentType = new(CsvType);

        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("ZIP archive", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown column", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_column_is_400_for_the_whole_file()
    {
        var csv = CsvHeader + ",colour\r\n" + CsvLine(Case("a")) + ",\"red\"\r\n";

        using var response = await ImportAsync(csv, CsvType);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("colour", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(0, await WithDbAsync(db => Task.FromResult(db.Imports.Count())));
    }

    [Fact]
    public async Task Headers_as_people_write_them_name_the_fields_and_a_near_miss_is_suggested()
    {
        var written = "Slug,Title,Activity Types,collector_type,SECTORS,OUT-COME,Charged-On\r\n" +
            "people,A,espionage,student,aerospace,convicted,2019-04\r\n";
        var misspelt = "slug,title,activityTypes,collectorType,sectors,outcome,chargd_on\r\nmisspelt,A,espionage,student,aerospace,convicted,2019\r\n";

        var report = await ImportReportAsync(written, CsvType);
        using var refused = await ImportAsync(misspelt, CsvType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        using var stored = await Client.GetAsync("/api/v1/cases/people", Ct);
        Assert.Equal("2019-04", (string?)(await ReadObjectAsync(stored))["chargedOn"]);
        var problem = await Problems.AssertAsync(refused, HttpStatusCode.BadRequest);
        Assert.Contains("Did you mean 'chargedOn'?", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_required_column_left_out_is_a_row_error_only_for_rows_that_create_a_case()
    {
        await CreateCaseAsync(Case("known"));
        var csv = "slug,title,activityTypes,collectorType,sectors\r\nknown,New title,espionage,student,aerospace\r\nnew-case,A,espionage,student,aerospace\r\n";

        var report = await ImportReportAsync(csv, CsvType, "?atomic=false");

        AssertCounts(report, received: 2, created: 0, updated: 1, unchanged: 0, rejected: 1);
        Assert.Equal([(2, "outcome")], ErrorsOf(report));
        Assert.Contains("required", (string?)report["errors"]![0]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_without_a_slug_column_is_400()
    {
        using var response = await ImportAsync("title,outcome\r\nA,convicted\r\n", CsvType);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("slug", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_400()
    {
        using var response = await ImportAsync("", CsvType);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_2_MB_csv_is_accepted_while_2_MB_of_json_to_cases_is_still_413()
    {
        var summary = new string('x', 3900);
        var rows = Enumerable.Range(1, 560).Select(i =>
        {
            var c = CaseSamples.Minimal($"big-{i}");
            c["summary"] = summary;
            return c;
        }).ToArray();
        var csv = Csv(rows);
        Assert.True(csv.Length > 2_000_000);
        var bigCase = CaseSamples.Minimal();
        bigCase["summary"] = new string('x', 2_100_000);

        var report = await ImportReportAsync(csv, CsvType);
        // Expect: 100-continue, as a careful client sends a large body: the service refuses it from the headers, and the
        // client never starts writing a body the server has stopped reading (which could end in a broken pipe, not a 413).
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases")
        {
            Content = new StringContent(bigCase.ToJsonString(), System.Text.Encoding.UTF8, JsonType),
        };
        oversized.Headers.ExpectContinue = true;
        using var tooLarge = await Client.SendAsync(oversized, Ct);

        AssertCounts(report, received: 560, created: 560, updated: 0, unchanged: 0, rejected: 0);
        await Problems.AssertAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_unsupported_media_type_is_415()
    {
        using var response = await ImportAsync("<cases/>", "application/xml");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("text/csv", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_four_import_formats_and_the_form_upload()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);

        var document = await ReadObjectAsync(response);
        var content = document["paths"]!["/api/v1/imports"]!["post"]!["requestBody"]!["content"]!.AsObject();
        Assert.Equal([JsonType, XlsxType, NdjsonType, "multipart/form-data", CsvType], content.Select(p => p.Key).Order());
    }
}
