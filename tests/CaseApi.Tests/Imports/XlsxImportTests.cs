using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Imports;

/// <summary>Spreadsheets as admins keep them: the first sheet of an .xlsx, with the CSV's columns and rules.</summary>
public sealed class XlsxImportTests(CaseApiFactory api) : ImportTest(api)
{
    private static readonly string[] Header = [" Slug ", "TITLE", "Activity Types", "collector_type", "SECTORS", "out-come"];

    [Fact]
    public async Task The_first_sheet_of_an_xlsx_imports_with_forgiving_headers_and_the_csv_list_rules()
    {
        var file = XlsxFile.Build(Header, ["sheet-case", "A title; with a semicolon", "espionage", "student", "aerospace; energy", "convicted"]);

        var report = await ImportReportAsync(file, XlsxType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        Assert.Equal("xlsx", (string?)report["format"]);
        using var response = await Client.GetAsync("/api/v1/cases/sheet-case", Ct);
        var stored = await ReadObjectAsync(response);
        Assert.Equal("A title; with a semicolon", (string?)stored["title"]);
        Assert.Equal(["aerospace", "energy"], stored["sectors"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task Date_number_and_boolean_cells_are_converted_to_the_fields_values()
    {
        var file = XlsxFile.Build(
            [.. Header, "chargedOn", "resolvedOn", "activityStart", "sentenceMonths", "fineUsd", "policyAligned", "summary"],
            ["typed-cells", "Typed", "espionage", "student", "aerospace", "convicted",
                new DateTime(2019, 4, 23), new DateTime(2021, 11, 2), 2015, 36, 2500.5m, true, 42]);

        var report = await ImportReportAsync(file, XlsxType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        using var response = await Client.GetAsync("/api/v1/cases/typed-cells", Ct);
        var stored = await ReadObjectAsync(response);
        Assert.Equal("2019-04-23", (string?)stored["chargedOn"]);
        Assert.Equal("2021-11-02", (string?)stored["resolvedOn"]);
        Assert.Equal("2015", (string?)stored["activityStart"]);
        Assert.Equal(36, (int?)stored["sentenceMonths"]);
        Assert.Equal(2500.5m, (decimal?)stored["fineUsd"]);
        Assert.Equal("42", (string?)stored["summary"]);
    }

    [Fact]
    public async Task Errors_name_the_sheet_row_and_blank_rows_are_skipped()
    {
        var file = XlsxFile.Build(
            Header,
            ["good-row", "Good", "espionage", "student", "aerospace", "convicted"],
            null,
            ["bad-row", "Bad", "espionage", "student", "warp-drive", "convicted"],
            ["bad-number", "Bad", "espionage", "student", "aerospace", "convicted", "too wide"]);

        var report = await ImportReportAsync(file, XlsxType, expected: HttpStatusCode.UnprocessableEntity);

        AssertCounts(report, received: 3, created: 0, updated: 0, unchanged: 0, rejected: 2);
        Assert.Contains((4, "sectors[0]"), ErrorsOf(report));
        Assert.Contains(5, ErrorsOf(report).Select(e => e.Row));
    }

    [Fact]
    public async Task An_unknown_column_in_the_sheet_header_is_400_naming_it()
    {
        var file = XlsxFile.Build([.. Header, "Colour"], ["a-case", "A", "espionage", "student", "aerospace", "convicted", "red"]);

        using var response = await ImportAsync(file, XlsxType);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Colour", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_sheet_header_is_400_naming_the_column_it_likely_meant()
    {
        var file = XlsxFile.Build([.. Header, "Charged Onn"], ["a-case", "A", "espionage", "student", "aerospace", "convicted", "2019"]);

        using var response = await ImportAsync(file, XlsxType);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Did you mean 'chargedOn'?", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cap_reached_mid_file_refuses_the_whole_import_and_keeps_none_of_the_rows_read_before_it()
    {
        await CreateCaseAsync(CaseSamples.Minimal("hostile-2"));

        using var response = await ImportAsync(HostileXlsx.ValidRowsThenColumn(5, "ZZZZZ"), XlsxType, "?atomic=false");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Row 7 has a cell at ZZZZZ7, beyond column XFD", (string?)problem["detail"], StringComparison.Ordinal);
        using var kept = await Client.GetAsync("/api/v1/cases/hostile-2", Ct);
        Assert.Equal("A test case", (string?)(await ReadObjectAsync(kept))["title"]);
        using var imports = await Client.GetAsync("/api/v1/imports", Ct);
        Assert.Empty((await ReadObjectAsync(imports))["items"]!.AsArray());
    }

    [Theory]
    [InlineData("not a zip at all")]
    [InlineData("PK\u0003\u0004 a truncated archive")]
    public async Task A_file_sent_as_xlsx_that_is_no_workbook_is_400_and_writes_nothing(string body)
    {
        using var response = await ImportAsync(Encoding.ASCII.GetBytes(body), XlsxType);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountCasesAsync());
    }

    [Theory]
    [InlineData("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("application/octet-stream")]
    public async Task A_form_with_an_xlsx_file_part_imports_with_the_format_from_its_type_or_name(string partType)
    {
        var sheet = new ByteArrayContent(XlsxFile.Build(Header, ["form-sheet", "From a form", "espionage", "student", "aerospace", "convicted"]));
        sheet.Headers.ContentType = new MediaTypeHeaderValue(partType);
        using var form = new MultipartFormDataContent { { sheet, "file", "Cases.XLSX" } };

        using var response = await Client.PostAsync("/api/v1/imports?dryRun=true", form, Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains("\"created\":1", text, StringComparison.Ordinal);
        Assert.Contains("\"format\":\"xlsx\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_xlsx_posted_as_csv_is_415_pointing_to_the_spreadsheet_media_type()
    {
        using var response = await ImportAsync(XlsxFile.Build(Header), CsvType);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains(XlsxType, (string?)problem["detail"], StringComparison.Ordinal);
    }
}
