using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

/// <summary>Files as people actually have them: other header spellings, ';'-delimited, UTF-16, uploaded through a form.</summary>
public sealed class ImportUploadTests(CaseApiFactory api) : ImportTest(api)
{
    [Fact]
    public async Task Csv_headers_match_without_regard_to_case_or_surrounding_spaces()
    {
        var csv = " Slug ,TITLE,activitytypes, CollectorType,Sectors,OUTCOME\r\nspaced-header,A title,espionage,student,aerospace,convicted\r\n";

        var report = await ImportReportAsync(csv, CsvType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
    }

    [Fact]
    public async Task A_semicolon_delimited_csv_is_detected()
    {
        var csv = "slug;title;activityTypes;collectorType;sectors;outcome\r\nsemi-case;\"A title, with a comma\";espionage;student;aerospace;convicted\r\n";

        var report = await ImportReportAsync(csv, CsvType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        using var response = await Client.GetAsync("/api/v1/cases/semi-case", Ct);
        Assert.Equal("A title, with a comma", (string?)(await ReadObjectAsync(response))["title"]);
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    public async Task Utf8_with_a_bom_and_utf16_with_a_bom_are_read(string encoding)
    {
        var text = Csv(Case("encoded-case")).Replace("Full case", "Café — naïve", StringComparison.Ordinal);
        Encoding chosen = encoding switch
        {
            "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        };
        using var content = new ByteArrayContent([.. chosen.GetPreamble(), .. chosen.GetBytes(text)]);
        content.Headers.ContentType = new(CsvType);

        using var response = await Client.PostAsync("/api/v1/imports", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var fetched = await Client.GetAsync("/api/v1/cases/encoded-case", Ct);
        Assert.Equal("Café — naïve", (string?)(await ReadObjectAsync(fetched))["title"]);
    }

    [Theory]
    [InlineData("cases.csv", "text/csv")]
    [InlineData("cases.csv", "application/vnd.ms-excel")]
    [InlineData("cases.json", "application/json")]
    [InlineData("cases.ndjson", "application/octet-stream")]
    [InlineData("cases.jsonl", null)]
    public async Task A_form_with_one_file_part_imports_with_the_format_from_its_type_or_name(string fileName, string? partType)
    {
        var c = Case("form-case");
        var body = Path.GetExtension(fileName) switch { ".csv" => Csv(c), ".json" => JsonArrayOf(c), _ => Ndjson(c) };
        using var form = new MultipartFormDataContent();
        var file = new StringContent(body, Encoding.UTF8);
        file.Headers.ContentType = partType is null ? null : new MediaTypeHeaderValue(partType);
        form.Add(new StringContent("a note"), "comment");
        form.Add(file, "file", fileName);

        using var response = await Client.PostAsync("/api/v1/imports?dryRun=true", form, Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains("\"created\":1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_without_a_file_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("no file"), "comment" } };

        using var response = await Client.PostAsync("/api/v1/imports", form, Ct);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_import_list_answers_400_for_a_limit_out_of_range_like_the_case_list()
    {
        using var zero = await Client.GetAsync("/api/v1/imports?limit=0", Ct);
        using var huge = await Client.GetAsync("/api/v1/imports?limit=5000", Ct);
        using var count = await Client.GetAsync("/api/v1/imports?count=%0d%0aX-Injected:1", Ct);
        using var cursor = await Client.GetAsync("/api/v1/imports?cursor=OTk5OTk5OTk5OTk5OTk5OTk5OV8wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA", Ct);

        await Problems.AssertFieldAsync(zero, "limit");
        await Problems.AssertFieldAsync(huge, "limit");
        await Problems.AssertFieldAsync(count, "count");
        await Problems.AssertFieldAsync(cursor, "cursor");
    }
}
