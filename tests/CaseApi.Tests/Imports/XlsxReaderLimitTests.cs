using System.Text.Json;
using CaseApi.Imports;

namespace CaseApi.Tests.Imports;

/// <summary>
/// Each configurable cap of the .xlsx reader, set low so that a small file reaches it: the refusal is LimitExceeded and
/// names the setting. (The review's files at the default caps run against a service process in HostileSpreadsheetTests.)
/// </summary>
public sealed class XlsxReaderLimitTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(nameof(ImportOptions.MaxSharedStrings))]
    [InlineData(nameof(ImportOptions.MaxSharedStringCharacters))]
    [InlineData(nameof(ImportOptions.MaxUnzippedBytes))]
    [InlineData(nameof(ImportOptions.MaxPartCharacters))]
    public async Task A_workbook_over_a_cap_is_refused_when_it_is_opened_naming_the_setting(string setting)
    {
        var limits = setting switch
        {
            nameof(ImportOptions.MaxSharedStrings) => new ImportOptions { MaxSharedStrings = 2 },
            nameof(ImportOptions.MaxSharedStringCharacters) => new ImportOptions { MaxSharedStringCharacters = 25 },
            // The content types part of any workbook is longer than this.
            nameof(ImportOptions.MaxPartCharacters) => new ImportOptions { MaxPartCharacters = 100 },
            _ => new ImportOptions { MaxUnzippedBytes = 500 },
        };

        var (reader, refusal) = await XlsxImportReader.OpenAsync(new MemoryStream(HostileXlsx.LongSharedStrings(3, 10)), Json, limits, Ct);

        Assert.Null(reader);
        Assert.Equal(ImportRefusalReason.LimitExceeded, refusal?.Reason);
        Assert.Contains($"{ImportOptions.Section}:{setting}", refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_past_the_cap_end_the_reading_with_a_refusal_naming_the_setting()
    {
        var limits = new ImportOptions { MaxSpreadsheetRows = 5 };
        var (reader, _) = await XlsxImportReader.OpenAsync(new MemoryStream(HostileXlsx.EmptyRows(10)), Json, limits, Ct);
        await using var opened = reader!;

        var rows = await opened.ReadAsync(Ct).ToListAsync(Ct);

        Assert.Empty(rows);
        Assert.Equal(ImportRefusalReason.LimitExceeded, opened.Refusal?.Reason);
        Assert.Contains($"{ImportOptions.Section}:{nameof(ImportOptions.MaxSpreadsheetRows)}", opened.Refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_past_its_characters_ends_the_reading_with_a_refusal_naming_the_setting()
    {
        var limits = new ImportOptions { MaxRowCharacters = 100 };
        var (reader, refusal) = await XlsxImportReader.OpenAsync(new MemoryStream(HostileXlsx.LongRow(2, 60)), Json, limits, Ct);
        Assert.Null(refusal);
        await using var opened = reader!;

        var rows = await opened.ReadAsync(Ct).ToListAsync(Ct);

        Assert.Empty(rows);
        Assert.Equal(ImportRefusalReason.LimitExceeded, opened.Refusal?.Reason);
        Assert.Contains($"{ImportOptions.Section}:{nameof(ImportOptions.MaxRowCharacters)}", opened.Refusal!.Detail, StringComparison.Ordinal);
    }
}
