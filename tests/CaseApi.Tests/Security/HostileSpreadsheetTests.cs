using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Security;

/// <summary>
/// The hostile spreadsheets of the second security review, each posted to a service whose heap is capped at 96 MB: each
/// is refused with a 4xx whose problem names the cap it hit (and carries its code), and the service goes on serving. Before
/// the caps, the first two cost seconds of CPU and gigabytes, the third ran out of memory (500), the empty rows were read
/// to the end; the files after the ZIP bomb each put one element larger than the heap in front of a reader that once loaded
/// rows and parts whole.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class HostileSpreadsheetTests(ProductionProcess service) : IClassFixture<ProductionProcess>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("60 cells at ZZZZZ", 400, "beyond column XFD")]
    [InlineData("60 cells at ZZZZZZ", 400, "beyond column XFD")]
    [InlineData("100 shared strings of 1 MB", 413, "(Imports:MaxCompressionRatio)")]
    [InlineData("a shared string longer than a cell", 413, "a cell holds at most 32,767")]
    [InlineData("2,000,000 empty rows", 413, "more than 1,048,576 rows (Imports:MaxSpreadsheetRows)")]
    [InlineData("a zip bomb", 413, "(Imports:MaxCompressionRatio)")]
    [InlineData("20,000 cells in one row", 400, "more than 16,384 cells")]
    [InlineData("a row of 40 cells of 30,000 characters", 413, "(Imports:MaxRowCharacters)")]
    [InlineData("a cell of 40,000 characters", 413, "a cell holds at most 32,767")]
    [InlineData("a tag of 2 million characters", 413, "bytes between two tags")]
    [InlineData("styles of 9 million characters", 413, "(Imports:MaxPartCharacters)")]
    public async Task A_hostile_workbook_is_refused_with_a_4xx_that_names_its_cap_and_the_service_stays_up(string file, int status, string cap)
    {
        var body = file switch
        {
            "60 cells at ZZZZZ" => HostileXlsx.CellsAtColumn("ZZZZZ"),
            "60 cells at ZZZZZZ" => HostileXlsx.CellsAtColumn("ZZZZZZ"),
            "100 shared strings of 1 MB" => HostileXlsx.LongSharedStrings(100, 1 << 20),
            "a shared string longer than a cell" => HostileXlsx.LongSharedStrings(3, 40_000, random: true),
            "2,000,000 empty rows" => HostileXlsx.EmptyRows(2_000_000),
            "a zip bomb" => HostileXlsx.Bomb(300L << 20),
            "20,000 cells in one row" => HostileXlsx.RepeatedCells(20_000),
            "a row of 40 cells of 30,000 characters" => HostileXlsx.LongRow(40, 30_000),
            "a cell of 40,000 characters" => HostileXlsx.LongCell(40_000),
            "a tag of 2 million characters" => HostileXlsx.LongAttribute(2_000_000),
            _ => HostileXlsx.LargeStyles(9_000_000),
        };

        using var response = await ImportAsync(body);

        var text = await response.Content.ReadAsStringAsync(Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"{file}: {body.Length:N0} bytes → {(int)response.StatusCode} {text}");
        Assert.True((int)response.StatusCode == status, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Contains(cap, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(status == 413 ? ProblemCodes.ImportLimitExceeded : ProblemCodes.ImportUnreadable, (string?)problem[ProblemCodes.Member]);
        using var ready = await service.Anonymous.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(service.Service.IsRunning, service.Service.Output);
    }

    [Fact]
    public async Task Shared_strings_within_the_caps_but_beyond_the_heap_are_read_from_disk()
    {
        // 60 million characters: 120 MB as .NET strings, more than the whole heap; far below Imports:MaxSharedStringCharacters.
        // The sheet names slug and title only: it changes the title of a case that exists.
        using var existing = await service.Admin.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("shared-on-disk"), Ct);
        Assert.Equal(HttpStatusCode.Created, existing.StatusCode);
        var body = HostileXlsx.ManySharedStrings("shared-on-disk", "A title among many strings", 6_000, 10_000);

        using var response = await ImportAsync(body);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal(1, (int?)JsonNode.Parse(text)!["updated"]);
        using var read = await service.Admin.GetAsync("/api/v1/cases/shared-on-disk", Ct);
        var title = (string?)JsonNode.Parse(await read.Content.ReadAsStringAsync(Ct))!["title"];
        Assert.Equal("A title among many strings", title);
        Assert.True(service.Service.IsRunning, service.Service.Output);
    }

    private async Task<HttpResponseMessage> ImportAsync(byte[] workbook)
    {
        using var content = new ByteArrayContent(workbook);
        content.Headers.ContentType = new MediaTypeHeaderValue(Spreadsheet.MediaType);
        return await service.Admin.PostAsync("/api/v1/imports", content, Ct);
    }
}
