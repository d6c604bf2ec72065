using System.Globalization;
using System.Buffers;
using System.IO.Compression;
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
/// A workbook is a ZIP of XML, so a small upload can ask for any amount of work: every size is capped before it is spent
/// (<see cref="ImportOptions"/>: the unzipped package, each part's characters, the shared strings, the rows; columns end at
/// XFD and a shared string at Excel's 32,767 characters), and a cap reached is a refusal that names it, never a row error.
/// Not yet bounded: a single row or part element is loaded whole (see the security guide).
/// </summary>
internal sealed class XlsxImportReader : IImportReader
{
    // Excel's built-in number formats that show a date or a time (ECMA-376 Part 1, 18.8.30).
    private static readonly HashSet<uint> BuiltInDateFormats = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57];

    private static readonly SearchValues<char> DateLetters = SearchValues.Create("yYdDmMhHsS");

    /// <summary>Columns A to XFD: a sheet has no more (ECMA-376 Part 1, 18.3.1.4; Excel's own limit).</summary>
    public const int MaxColumns = 16_384;

    /// <summary>The most characters a cell holds in Excel; a longer shared string was not written by a spreadsheet.</summary>
    public const int MaxCellCharacters = 32_767;

    /// <summary>Entries at most this large may compress as well as they like (an empty sheet compresses 1000:1).</summary>
    private const long RatioFloorBytes = 1024 * 1024;

    private readonly FileStream file;
    private readonly JsonSerializerOptions json;
    private readonly ImportOptions limits;
    private long rowsRead;
    private SpreadsheetDocument? document;
    private OpenXmlReader? sheet;
    private ImportHeader header = null!;
    private XlsxSharedStrings? sharedStrings;
    private HashSet<uint> dateStyles = [];
    private bool date1904;
    private int headerRow;

    private XlsxImportReader(FileStream file, JsonSerializerOptions json, ImportOptions limits)
    {
        this.file = file;
        this.json = json;
        this.limits = limits;
    }

    /// <inheritdoc/>
    public ImportRefusal? Refusal { get; private set; }

    /// <summary>
    /// Stores the upload, checks the package's sizes, opens its first sheet and reads the header row; a file that is no
    /// workbook, or is larger than a cap, is refused whole.
    /// </summary>
    public static async Task<(XlsxImportReader? Reader, ImportRefusal? Refusal)> OpenAsync(
        Stream upload, JsonSerializerOptions json, ImportOptions limits, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-import-{Guid.NewGuid():N}.xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var reader = new XlsxImportReader(file, json, limits);
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

    private ImportRefusal? Open()
    {
        try
        {
            if (PackageRefusal() is { } tooLarge) return tooLarge;
            // Each part's characters, counted by the XML reader as it reads: the SDK's own guard, a second bound beside
            // the sizes the package declares.
            document = SpreadsheetDocument.Open(file, isEditable: false, new OpenSettings { MaxCharactersInPart = limits.MaxUnzippedBytes });
            var workbook = document.WorkbookPart;
            if (workbook?.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() is not { Id.Value: { } id }
                || workbook.GetPartById(id) is not WorksheetPart first)
            {
                return Malformed("The workbook has no worksheet: the first sheet must hold a header row naming the case fields.");
            }
            date1904 = workbook.Workbook.WorkbookProperties?.Date1904?.Value ?? false;
            if (ReadSharedStrings(workbook.SharedStringTablePart) is { } stringsRefusal) return stringsRefusal;
            dateStyles = DateStyles(workbook.WorkbookStylesPart?.Stylesheet);
            sheet = OpenXmlReader.Create(first);
            var (row, error) = NextRow();
            if (error is not null) return Malformed(error);
            if (row is not null && RowRefusal(row) is { } beyond) return beyond;
            headerRow = (int)(row?.RowIndex?.Value ?? 1);
            var (cells, column) = row is null ? ([], null) : Cells(row);
            if (column is not null) return ColumnRefusal(column, headerRow);
            var (header, problem) = ImportHeader.Parse(cells);
            this.header = header!;
            return problem is null ? null : Malformed(problem);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException
            or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return Malformed($"The file is not a readable .xlsx workbook: {e.Message}");
        }
    }

    /// <summary>
    /// The sizes the package declares, from its directory, before anything is inflated: the unzipped total and how far any
    /// large entry inflates. The inflater stops at an entry's declared size, so a package cannot unzip to more than this says.
    /// </summary>
    private ImportRefusal? PackageRefusal()
    {
        using (var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
        {
            var total = 0L;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > limits.MaxUnzippedBytes)
                {
                    return TooLarge($"The workbook unzips to more than {limits.MaxUnzippedBytes:N0} bytes "
                        + $"({ImportOptions.Section}:{nameof(ImportOptions.MaxUnzippedBytes)}).");
                }
                if (entry.Length > RatioFloorBytes && entry.Length > entry.CompressedLength * limits.MaxCompressionRatio)
                {
                    return TooLarge($"The part {entry.FullName} inflates {entry.Length:N0} bytes from {entry.CompressedLength:N0}, more than "
                        + $"{limits.MaxCompressionRatio}:1 ({ImportOptions.Section}:{nameof(ImportOptions.MaxCompressionRatio)}): "
                        + "a ZIP bomb, not a workbook.");
                }
            }
        }
        file.Position = 0;
        return null;
    }

    private static ImportRefusal Malformed(string detail) => new(ImportRefusalReason.Malformed, "The spreadsheet is not valid.", detail);

    private static ImportRefusal TooLarge(string detail) =>
        new(ImportRefusalReason.LimitExceeded, "The spreadsheet exceeds an import limit.", detail);

    private static ImportRefusal ColumnRefusal(string reference, int row) => Malformed(
        $"Row {row} has a cell at {reference}, beyond column XFD, the last of the {MaxColumns:N0} columns a sheet has.");

    /// <summary>A row past the cap, by count (empty rows count: reading them is the work) or by the row number it claims.</summary>
    private ImportRefusal? RowRefusal(Row row) =>
        ++rowsRead > limits.MaxSpreadsheetRows || row.RowIndex?.Value > limits.MaxSpreadsheetRows
            ? TooLarge($"The sheet has more than {limits.MaxSpreadsheetRows:N0} rows "
                + $"({ImportOptions.Section}:{nameof(ImportOptions.MaxSpreadsheetRows)}); split the file.")
            : null;

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
            // A cap reached mid-file ends the reading; the pipeline returns the refusal before judging any record.
            if (RowRefusal(row) is { } tooMany)
            {
                Refusal = tooMany;
                yield break;
            }
            number = (int)(row.RowIndex?.Value ?? (uint)number + 1);
            var (cells, column) = Cells(row);
            if (column is not null)
            {
                Refusal = ColumnRefusal(column, number);
                yield break;
            }
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

    /// <summary>
    /// The row's cells as text by column position (cells a sheet leaves out are null), or the reference of a cell beyond
    /// XFD: checked before the row grows to it, since a cell at ZZZZZZ would otherwise make a row of 321 million columns.
    /// </summary>
    private (List<string?> Cells, string? BeyondColumn) Cells(Row row)
    {
        var cells = new List<string?>();
        foreach (var cell in row.Elements<Cell>())
        {
            var reference = cell.CellReference?.Value;
            var column = reference is null ? cells.Count : ColumnOf(reference);
            if (column >= MaxColumns) return (cells, reference ?? Spreadsheet.Name(column));
            while (cells.Count <= column) cells.Add(null);
            cells[column] = Text(cell);
        }
        return (cells, null);
    }

    /// <summary>The 0-based column of a reference; more than three letters is past XFD whatever they are (and would overflow).</summary>
    private static int ColumnOf(string reference) =>
        reference.TakeWhile(char.IsAsciiLetter).Count() > 3 ? MaxColumns : Spreadsheet.Index(reference);

    private string? Text(Cell cell)
    {
        var value = cell.CellValue?.Text;
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? sharedStrings?[i] : null;
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

    /// <summary>
    /// The shared strings, kept while the sheet is read (cells refer to them by index), counted as they are read: their
    /// number, their characters in all (the disk they take), and each one's length against a cell's.
    /// </summary>
    private ImportRefusal? ReadSharedStrings(SharedStringTablePart? part)
    {
        if (part is null) return null;
        sharedStrings = new XlsxSharedStrings();
        var characters = 0L;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(SharedStringItem) || !reader.IsStartElement) continue;
            var text = RichText(reader.LoadCurrentElement()!);
            characters += text.Length;
            if (text.Length > MaxCellCharacters)
            {
                return TooLarge($"Shared string {sharedStrings.Count:N0} has {text.Length:N0} characters; a cell holds at most "
                    + $"{MaxCellCharacters:N0}.");
            }
            if (sharedStrings.Count >= limits.MaxSharedStrings || characters > limits.MaxSharedStringCharacters)
            {
                return TooLarge($"The workbook has more than {limits.MaxSharedStrings:N0} shared strings or "
                    + $"{limits.MaxSharedStringCharacters:N0} characters in them ({ImportOptions.Section}:{nameof(ImportOptions.MaxSharedStrings)}, "
                    + $"{ImportOptions.Section}:{nameof(ImportOptions.MaxSharedStringCharacters)}).");
            }
            sharedStrings.Add(text);
        }
        return null;
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
        if (sharedStrings is not null) await sharedStrings.DisposeAsync();
        await file.DisposeAsync();
    }
}
