using System.Globalization;
using System.Buffers;
using System.Text.Json;
using System.Xml;
using CaseApi.Cases;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CaseApi.Imports;

/// <summary>
/// Reads the first sheet of an .xlsx import row by row with the Open XML SDK's SAX reader (OpenXmlReader), so only one
/// row is ever held. A ZIP's directory is at its end, so the upload is first copied to a temporary file that is deleted
/// when the reader closes: memory stays bounded, disk holds the file once. The first row is the header; every cell is
/// turned into the text a CSV would carry (a date cell as yyyy-MM-dd, a number invariant, a boolean true/false) and
/// handed to <see cref="ImportHeader"/>, so the rules are the CSV's. Row numbers are the sheet's own.
/// </summary>
internal sealed class XlsxImportReader : IImportReader
{
    // Excel's built-in number formats that show a date or a time (ECMA-376 Part 1, 18.8.30).
    private static readonly HashSet<uint> BuiltInDateFormats = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57];

    private static readonly SearchValues<char> DateLetters = SearchValues.Create("yYdDmMhHsS");

    private readonly FileStream file;
    private readonly JsonSerializerOptions json;
    private SpreadsheetDocument? document;
    private OpenXmlReader? sheet;
    private ImportHeader header = null!;
    private List<string> sharedStrings = [];
    private HashSet<uint> dateStyles = [];
    private bool date1904;
    private int headerRow;

    private XlsxImportReader(FileStream file, JsonSerializerOptions json)
    {
        this.file = file;
        this.json = json;
    }

    /// <summary>Stores the upload, opens its first sheet and reads the header row; a file that is no workbook is refused whole.</summary>
    public static async Task<(XlsxImportReader? Reader, string? HeaderProblem)> OpenAsync(
        Stream upload, JsonSerializerOptions json, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-import-{Guid.NewGuid():N}.xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var reader = new XlsxImportReader(file, json);
        try
        {
            await upload.CopyToAsync(file, ct);
            file.Position = 0;
            var problem = reader.Open();
            if (problem is null) return (reader, null);
            await reader.DisposeAsync();
            return (null, problem);
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    private string? Open()
    {
        try
        {
            document = SpreadsheetDocument.Open(file, isEditable: false);
            var workbook = document.WorkbookPart;
            if (workbook?.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() is not { Id.Value: { } id }
                || workbook.GetPartById(id) is not WorksheetPart first)
            {
                return "The workbook has no worksheet: the first sheet must hold a header row naming the case fields.";
            }
            date1904 = workbook.Workbook.WorkbookProperties?.Date1904?.Value ?? false;
            sharedStrings = ReadSharedStrings(workbook.SharedStringTablePart);
            dateStyles = DateStyles(workbook.WorkbookStylesPart?.Stylesheet);
            sheet = OpenXmlReader.Create(first);
            var (row, error) = NextRow();
            if (error is not null) return error;
            headerRow = (int)(row?.RowIndex?.Value ?? 1);
            var (header, problem) = ImportHeader.Parse(row is null ? [] : Cells(row));
            this.header = header!;
            return problem;
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException
            or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return $"The file is not a readable .xlsx workbook: {e.Message}";
        }
    }

    /// <summary>The data rows; the file is local, so reading it synchronously blocks on nothing but the disk.</summary>
    public IAsyncEnumerable<ImportRow> ReadAsync(CancellationToken ct) => Read(ct).ToAsyncEnumerable();

    private IEnumerable<ImportRow> Read(CancellationToken ct)
    {
        var number = headerRow;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var (row, error) = NextRow();
            if (error is not null)
            {
                yield return ImportRow.Broken(number + 1, null, null, $"{error} The rest of the sheet was not read.");
                yield break;
            }
            if (row is null) yield break;
            number = (int)(row.RowIndex?.Value ?? (uint)number + 1);
            var cells = Cells(row);
            if (cells.All(string.IsNullOrWhiteSpace)) continue;
            var beyond = cells.Skip(header.Width).Select((c, i) => (c, i)).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p.c));
            yield return beyond.c is null
                ? header.Map(number, cells, json)
                : ImportRow.Broken(number, header.SlugOf(cells), null,
                    $"Column {Spreadsheet.Name(header.Width + beyond.i)} has a value but no header; the header has {header.Width} column(s).");
        }
    }

    /// <summary>The next row element of the sheet, loaded on its own (SAX elsewhere), or why the sheet cannot be read on.</summary>
    private (Row? Row, string? Error) NextRow()
    {
        try
        {
            while (sheet!.Read())
            {
                if (sheet.ElementType == typeof(Row) && sheet.IsStartElement) return ((Row)sheet.LoadCurrentElement()!, null);
            }
            return (null, null);
        }
        catch (Exception e) when (e is XmlException or InvalidDataException or OpenXmlPackageException or InvalidOperationException)
        {
            return (null, $"The sheet is not valid spreadsheet XML: {e.Message}");
        }
    }

    /// <summary>The row's cells as text by column position; cells a sheet leaves out are null.</summary>
    private List<string?> Cells(Row row)
    {
        var cells = new List<string?>();
        foreach (var cell in row.Elements<Cell>())
        {
            var column = cell.CellReference?.Value is { } reference ? Spreadsheet.Index(reference) : cells.Count;
            while (cells.Count <= column) cells.Add(null);
            cells[column] = Text(cell);
        }
        return cells;
    }

    private string? Text(Cell cell)
    {
        var value = cell.CellValue?.Text;
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < sharedStrings.Count
                ? sharedStrings[i]
                : null;
        }
        if (type == CellValues.InlineString) return cell.InlineString is { } inline ? RichText(inline) : value;
        if (type == CellValues.Boolean) return value == "1" ? "true" : value == "0" ? "false" : value;
        if (type == CellValues.Date) return value is { Length: > 10 } && value.EndsWith("T00:00:00", StringComparison.Ordinal) ? value[..10] : value;
        if (type is null || type == CellValues.Number)
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return value;
            if (cell.StyleIndex?.Value is { } style && dateStyles.Contains(style)) return DateText(number);
            return number.ToString(CultureInfo.InvariantCulture);
        }
        return value is null ? null : Spreadsheet.Unescape(value);
    }

    /// <summary>A date cell's serial number as the API writes dates; a time of day, where there is one, after a 'T'.</summary>
    private string DateText(double serial)
    {
        var moment = DateTime.FromOADate(serial).AddDays(date1904 ? 1462 : 0);
        return moment.TimeOfDay == TimeSpan.Zero
            ? moment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : moment.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Plain or rich text of a shared or inline string, without phonetic guides.</summary>
    private static string RichText(OpenXmlElement text) =>
        Spreadsheet.Unescape(text.GetFirstChild<Text>()?.Text ?? string.Concat(text.Elements<Run>().Select(r => r.Text?.Text)));

    private static List<string> ReadSharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null) return strings;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement) strings.Add(RichText(reader.LoadCurrentElement()!));
        }
        return strings;
    }

    /// <summary>The cell styles whose number format shows a date: a built-in date format or a custom code with date or time letters.</summary>
    private static HashSet<uint> DateStyles(Stylesheet? styles)
    {
        var custom = styles?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null && IsDateCode(f.FormatCode?.Value))
            .Select(f => f.NumberFormatId!.Value).ToHashSet() ?? [];
        var formats = styles?.CellFormats?.Elements<CellFormat>().ToList() ?? [];
        return [.. formats.Select((f, i) => (Id: f.NumberFormatId?.Value ?? 0, Index: (uint)i))
            .Where(f => BuiltInDateFormats.Contains(f.Id) || custom.Contains(f.Id)).Select(f => f.Index)];
    }

    private static bool IsDateCode(string? code)
    {
        if (code is null) return false;
        var bare = new System.Text.StringBuilder();
        var quoted = false;
        var bracketed = false;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == '[') bracketed = true;
            else if (bracketed && c == ']') bracketed = false;
            else if (!quoted && !bracketed && c == '\\') i++;
            else if (!quoted && !bracketed) bare.Append(c);
        }
        var letters = bare.ToString();
        return !letters.Contains("general", StringComparison.OrdinalIgnoreCase) && letters.AsSpan().ContainsAny(DateLetters);
    }

    public async ValueTask DisposeAsync()
    {
        sheet?.Dispose();
        document?.Dispose();
        await file.DisposeAsync();
    }
}
