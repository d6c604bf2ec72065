using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Linkage;

/// <summary>A compilation published as a spreadsheet: read by the case import's own workbook reader, caps and all.</summary>
public sealed class ListEntryXlsxTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_compilation_saved_as_xlsx_uploads_its_entries_with_typed_cells_as_text_and_sheet_row_numbers()
    {
        await PutListAsync("doj");
        var workbook = XlsxFile.Build(
            ["url", "date", "defendants"],
            ["https://x.example/1", new DateTime(2020, 1, 2), "John Smith"],
            null,
            ["https://x.example/2", "someday", "Wei Li"]);

        using var response = await UploadAsync("doj", "reference=url&names=defendants&date=date", workbook);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        var report = JsonNode.Parse(text)!;
        Assert.Equal("xlsx", (string?)report["format"]);
        Assert.Equal(1, (int?)report["created"]);
        Assert.Equal(1, (int?)report["rejected"]);
        Assert.Equal(4, (int?)report["errors"]![0]!["row"]);
        Assert.Equal("date", (string?)report["errors"]![0]!["column"]);
        var entries = await Client.GetFromJsonAsync<JsonNode>("/api/v1/source-lists/doj/entries", Ct);
        var entry = entries!["items"]![0]!;
        Assert.Equal("https://x.example/1", (string?)entry["reference"]);
        Assert.Equal("2020-01-02", (string?)entry["date"]);
        Assert.Equal("John Smith", (string?)entry["names"]);
        Assert.Equal(2, (int?)entry["row"]);
    }

    [Theory]
    [InlineData("60 cells at ZZZZZ", HttpStatusCode.BadRequest, ProblemCodes.ImportUnreadable, "beyond column XFD")]
    [InlineData("a cell of 40,000 characters", HttpStatusCode.RequestEntityTooLarge, ProblemCodes.ImportLimitExceeded, "a cell holds at most 32,767")]
    [InlineData("20,000 cells in one row", HttpStatusCode.BadRequest, ProblemCodes.ImportUnreadable, "more than 16,384 cells")]
    public async Task A_hostile_workbook_is_refused_by_the_import_readers_caps_naming_the_cap(
        string file, HttpStatusCode status, string code, string cap)
    {
        await PutListAsync("doj");
        var body = file switch
        {
            "60 cells at ZZZZZ" => HostileXlsx.CellsAtColumn("ZZZZZ"),
            "a cell of 40,000 characters" => HostileXlsx.LongCell(40_000),
            _ => HostileXlsx.RepeatedCells(20_000),
        };

        using var response = await UploadAsync("doj", "reference=slug&headline=title", body);

        var problem = await Problems.AssertAsync(response, status);
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Contains(cap, (string?)problem["detail"], StringComparison.Ordinal);
        using var entries = await Client.GetAsync("/api/v1/source-lists/doj/entries", Ct);
        Assert.Empty((await entries.Content.ReadFromJsonAsync<JsonNode>(Ct))!["items"]!.AsArray());
    }

    private async Task PutListAsync(string code)
    {
        using var response = await Client.PutAsJsonAsync($"/api/v1/source-lists/{code}", new { Name = $"The {code} list" }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<HttpResponseMessage> UploadAsync(string list, string query, byte[] workbook)
    {
        using var content = new ByteArrayContent(workbook);
        content.Headers.ContentType = new MediaTypeHeaderValue(Spreadsheet.MediaType);
        return await Client.PostAsync($"/api/v1/source-lists/{list}/entries?{query}", content, Ct);
    }
}
