using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DuckDB.NET.Data;

namespace CaseApi.Tests.Cases;

/// <summary>The spreadsheet and notebook formats of the export, and fields= on the list and the export.</summary>
public sealed class ExportFormatsTests(CaseApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")]
    [InlineData("Parquet", "application/vnd.apache.parquet", "parquet")]
    public async Task The_spreadsheet_and_parquet_exports_are_attachments_whatever_the_letter_case_of_the_format(
        string format, string mediaType, string extension)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/export?format={format}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"cases-{DateTime.UtcNow:yyyyMMdd}.{extension}", response.Content.Headers.ContentDisposition!.FileName);
    }

    [Fact]
    public async Task Xlsx_has_a_frozen_header_and_typed_cells_with_lists_joined_as_in_csv()
    {
        await CreateCaseAsync(CaseSamples.Full());

        var bytes = await Client.GetByteArrayAsync("/api/v1/cases/export?format=xlsx", Ct);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false);
        var workbook = document.WorkbookPart!;
        var sheet = (WorksheetPart)workbook.GetPartById(workbook.Workbook.Sheets!.Elements<Sheet>().Single().Id!);
        var pane = sheet.Worksheet.GetFirstChild<SheetViews>()!.GetFirstChild<SheetView>()!.GetFirstChild<Pane>()!;
        Assert.Equal(PaneStateValues.Frozen, pane.State!.Value);
        Assert.Equal("A2", pane.TopLeftCell!.Value);
        var rows = sheet.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().ToList();
        Assert.Equal(2, rows.Count);
        var header = rows[0].Elements<Cell>().Select(c => c.InnerText).ToList();
        Cell CellOf(string column) => rows[1].Elements<Cell>().Single(c => c.CellReference == $"{Spreadsheet.Name(header.IndexOf(column))}2");
        Assert.Equal(CaseCsv.ExportColumns, header);
        Assert.Equal(CellValues.Number, CellOf("sentenceMonths").DataType!.Value);
        Assert.Equal("24", CellOf("sentenceMonths").CellValue!.Text);
        Assert.Equal(CellValues.Boolean, CellOf("policyAligned").DataType!.Value);
        Assert.True(CellOf("policyAligned").CellValue!.Text is "0" or "1", "a boolean cell holds 0 or 1 (ECMA-376)");
        // Known to the day, chargedOn is a date cell; activityStart ("2014") stays text, no more precise than given.
        var charged = CellOf("chargedOn");
        Assert.Null(charged.DataType);
        Assert.Equal(new DateTime(2019, 4, 23), DateTime.FromOADate(double.Parse(charged.CellValue!.Text, CultureInfo.InvariantCulture)));
        Assert.Equal("2014", CellOf("activityStart").InnerText);
        Assert.Equal("aerospace;energy", CellOf("sectors").InnerText);
        Assert.Equal("state-owned-enterprise", CellOf("sponsorType").InnerText);
    }

    /// <summary>
    /// openpyxl (Debian's python3-openpyxl, what pandas.read_excel uses) is strict where Excel forgives: a boolean cell
    /// must hold 0 or 1 and the style sheet must be complete. The test fails when python3 or openpyxl is missing;
    /// .ci/run installs it.
    /// </summary>
    [Fact]
    public async Task Xlsx_opens_in_openpyxl_with_booleans_numbers_and_dates_as_the_json_export_has_them()
    {
        await CreateCaseAsync(CaseSamples.Full());
        var json = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/cases/export?format=json", Ct))!.Single()!.AsObject();
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-export-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(path, await Client.GetByteArrayAsync("/api/v1/cases/export?format=xlsx", Ct), Ct);
        try
        {
            const string Script = """
                import json, sys, openpyxl
                sheet = openpyxl.load_workbook(sys.argv[1]).active
                header, row = [[c.value for c in r] for r in sheet.iter_rows(max_row=2)]
                print(json.dumps(dict(zip(header, row)), default=lambda v: v.isoformat()))
                """;
            // Debian's interpreter, where python3-openpyxl lives; a pyenv python3 earlier on PATH would not see it.
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python, ["-c", Script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var reader = Process.Start(start)!;
            var output = await reader.StandardOutput.ReadToEndAsync(Ct);
            var errors = await reader.StandardError.ReadToEndAsync(Ct);
            await reader.WaitForExitAsync(Ct);

            Assert.True(reader.ExitCode == 0, errors);
            var read = JsonNode.Parse(output)!.AsObject();
            Assert.Equal((bool)json["policyAligned"]!, (bool)read["policyAligned"]!);
            Assert.Equal((int)json["sentenceMonths"]!, (int)read["sentenceMonths"]!);
            Assert.Equal((decimal)json["fineUsd"]!, (decimal)read["fineUsd"]!);
            Assert.Equal($"{(string)json["chargedOn"]!}T00:00:00", (string?)read["chargedOn"]);
            Assert.Equal((string?)json["slug"], (string?)read["slug"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>DuckDB's own Parquet reader (C++, no code shared with Parquet.Net, which writes the export) is the second reader.</summary>
    [Fact]
    public async Task Parquet_read_back_by_duckdb_has_typed_columns_and_the_json_exports_values()
    {
        await CreateCaseAsync(CaseSamples.Full());
        await CreateCaseAsync(CaseSamples.Minimal("minimal-case"));
        var json = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/cases/export?format=json", Ct))!;
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-export-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await Client.GetByteArrayAsync("/api/v1/cases/export?format=parquet", Ct), Ct);
        try
        {
            using var duck = new DuckDBConnection("Data Source=:memory:");
            await duck.OpenAsync(Ct);

            var types = await QueryAsync(duck, $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))");
            var rows = await QueryAsync(duck, $"SET TimeZone = 'UTC'; SELECT to_json(t) FROM read_parquet('{path}') t ORDER BY slug");

            var type = types.ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
            Assert.Equal("VARCHAR[]", type["sectors"]);
            Assert.Equal("DATE", type["chargedOn"]);
            Assert.Equal("VARCHAR", type["chargedOnPrecision"]);
            Assert.Equal("INTEGER", type["sentenceMonths"]);
            Assert.Equal("DOUBLE", type["fineUsd"]);
            Assert.Equal("BOOLEAN", type["policyAligned"]);
            Assert.Equal("TIMESTAMP WITH TIME ZONE", type["createdAt"]);
            Assert.Equal(json.Count, rows.Count);
            for (var i = 0; i < json.Count; i++) AssertSameCase(json[i]!.AsObject(), JsonNode.Parse((string)rows[i][0]!)!.AsObject());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>One case of the JSON export against the same case read from Parquet, field by field, undoing only the typing.</summary>
    private static void AssertSameCase(JsonObject expected, JsonObject parquet)
    {
        foreach (var (name, value) in expected)
        {
            var actual = parquet[name];
            switch (name)
            {
                case "sources" or "listEvidence":
                    Assert.True(JsonNode.DeepEquals(value, (string?)actual is { } text ? JsonNode.Parse(text) : new JsonArray()), name);
                    break;
                case "activityStart" or "activityEnd" or "chargedOn" or "resolvedOn":
                    var precision = (string?)parquet[$"{name}Precision"];
                    var date = (string?)actual;
                    Assert.Equal((string?)value, precision switch { "year" => date![..4], "month" => date![..7], _ => date });
                    break;
                case "fineUsd" or "lossUsd":
                    Assert.Equal((decimal?)value, (decimal?)(double?)actual);
                    break;
                case "createdAt" or "updatedAt":
                    Assert.Equal(DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture),
                        DateTimeOffset.Parse((string)actual! + ":00", CultureInfo.InvariantCulture));
                    break;
                default:
                    Assert.True(JsonNode.DeepEquals(value, actual), $"{name}: JSON {value?.ToJsonString()}, Parquet {actual?.ToJsonString()}");
                    break;
            }
        }
    }

    private static async Task<List<object?[]>> QueryAsync(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task Fields_selects_the_columns_of_the_list_and_of_every_export_format_in_the_order_named()
    {
        await CreateCaseAsync(CaseSamples.Full());

        var list = await Client.GetFromJsonAsync<JsonObject>("/api/v1/cases?fields=slug,ChargedOn,id", Ct);
        var csv = await Client.GetStringAsync("/api/v1/cases/export?format=csv&fields=slug,sponsorType,chargedOn", Ct);
        var ndjson = await Client.GetStringAsync("/api/v1/cases/export?format=ndjson&fields=slug,sponsorType", Ct);
        var xlsx = await Client.GetByteArrayAsync("/api/v1/cases/export?format=xlsx&fields=sectors,slug", Ct);

        var item = Assert.Single(list!["items"]!.AsArray())!.AsObject();
        Assert.Equal(["id", "slug", "chargedOn"], item.Select(p => p.Key));
        Assert.Equal("slug,sponsorType,chargedOn\nfull-case,state-owned-enterprise,2019-04-23\n", csv.ReplaceLineEndings("\n"));
        Assert.Equal("""{"slug":"full-case","sponsorType":"state-owned-enterprise"}""", ndjson.Trim());
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), isEditable: false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet.GetFirstChild<SheetData>()!;
        Assert.Equal(["sectors", "slug", "aerospace;energy", "full-case"], sheet.Descendants<Cell>().Select(c => c.InnerText));
    }

    [Theory]
    [InlineData("/api/v1/cases?fields=slug,colour")]
    [InlineData("/api/v1/cases?fields=sponsorType")]
    [InlineData("/api/v1/cases/export?format=parquet&fields=slug,colour")]
    public async Task An_unknown_field_is_a_400_validation_problem_naming_it(string url)
    {
        using var response = await Client.GetAsync(url, Ct);

        var problem = await Problems.AssertFieldAsync(response, "fields");
        Assert.Contains(url.Contains("colour", StringComparison.Ordinal) ? "'colour'" : "'sponsorType'", (string?)problem["errors"]!["fields"]![0],
            StringComparison.Ordinal);
    }
}
