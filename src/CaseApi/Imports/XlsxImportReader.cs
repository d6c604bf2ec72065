using System.Text.Json;
using CaseApi.Cases;

namespace CaseApi.Imports;

/// <summary>
/// The first sheet of an .xlsx as case records: its rows come from <see cref="XlsxSheetReader"/> (the one workbook
/// reader, with every cap), the first is the header, and every row's cells go through <see cref="ImportHeader"/>, so the
/// rules are the CSV's. Row numbers are the sheet's own.
/// </summary>
internal sealed class XlsxImportReader : IImportReader
{
    private readonly XlsxSheetReader sheet;
    private readonly ImportHeader header;
    private readonly JsonSerializerOptions json;

    private XlsxImportReader(XlsxSheetReader sheet, ImportHeader header, JsonSerializerOptions json)
    {
        this.sheet = sheet;
        this.header = header;
        this.json = json;
    }

    /// <inheritdoc/>
    public ImportRefusal? Refusal => sheet.Refusal;

    /// <summary>
    /// Opens the workbook and reads its header row; a file that is no workbook, is larger than a cap or whose header cannot
    /// be mapped is refused whole.
    /// </summary>
    public static async Task<(XlsxImportReader? Reader, ImportRefusal? Refusal)> OpenAsync(
        Stream upload, JsonSerializerOptions json, ImportOptions limits, CancellationToken ct)
    {
        var (sheet, refusal) = await XlsxSheetReader.OpenAsync(upload, limits, ct);
        if (sheet is null) return (null, refusal);
        var first = sheet.NextRow();
        var (header, problem) = first?.Error is { } error ? (null, error) : ImportHeader.Parse(first?.Cells ?? []);
        if (header is not null && sheet.Refusal is null) return (new XlsxImportReader(sheet, header, json), null);
        await sheet.DisposeAsync();
        return (null, sheet.Refusal ?? new ImportRefusal(ImportRefusalReason.Malformed, "The spreadsheet is not valid.", problem!));
    }

    public IAsyncEnumerable<ImportRow> ReadAsync(CancellationToken ct) => Read(ct).ToAsyncEnumerable();

    private IEnumerable<ImportRow> Read(CancellationToken ct)
    {
        while (sheet.NextRow() is { } row)
        {
            ct.ThrowIfCancellationRequested();
            if (row.Error is not null)
            {
                yield return ImportRow.Broken(row.Number, null, null, $"{row.Error} The rest of the sheet was not read.");
                yield break;
            }
            var (number, cells) = (row.Number, row.Cells);
            if (cells.All(string.IsNullOrWhiteSpace)) continue;
            var beyond = cells.Skip(header.Width).Select((c, i) => (c, i)).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p.c));
            yield return beyond.c is null
                ? header.Map(number, cells, json)
                : ImportRow.Broken(number, header.SlugOf(cells), null,
                    $"Column {Spreadsheet.Name(header.Width + beyond.i)} has a value but no header; the header has {header.Width} column(s).");
        }
    }

    public ValueTask DisposeAsync() => sheet.DisposeAsync();
}
