using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using CaseApi.Cases;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CaseApi.Imports;

/// <summary>
/// The one reader of uploaded workbooks (case imports and list entries alike): the first sheet, row by row, each cell as
/// the text a CSV would carry (a date cell as yyyy-MM-dd, a number invariant, a boolean true/false). A ZIP's directory is
/// at its end, so the upload is first copied to a temporary file that is deleted when the reader closes: disk holds the
/// file once, memory one row.
/// A workbook is a ZIP of XML, so a small upload can ask for any amount of work: every size is capped before it is spent
/// and a cap reached is a refusal that names it (<see cref="ImportOptions"/>). The package's directory is checked before
/// anything inflates (the unzipped total, the inflation ratio, the parts loaded whole); the sheet and the shared strings
/// are read as streams with an XML reader (never as objects), through <see cref="XlsxPartStream"/>, which bounds every tag
/// and text node, and counted as they are read: rows, the cells and characters of a row, the characters of a cell, the
/// shared strings' number and characters. Columns end at XFD.
/// </summary>
internal sealed class XlsxSheetReader : IAsyncDisposable
{
    /// <summary>Columns A to XFD: a sheet has no more (ECMA-376 Part 1, 18.3.1.4; Excel's own limit).</summary>
    public const int MaxColumns = 16_384;

    /// <summary>The most characters a cell holds in Excel; a longer text was not written by a spreadsheet.</summary>
    public const int MaxCellCharacters = 32_767;

    /// <summary>
    /// The longest run of a part's bytes between two tags: ten times a full cell's characters, written as character
    /// references (a cell of 32,767 characters takes at most 330 KB), so the XML reader holds at most 2 MB for any token.
    /// </summary>
    public const int MaxTokenBytes = 1 << 20;

    /// <summary>Entries at most this large may compress as well as they like (an empty sheet compresses 1000:1).</summary>
    private const long RatioFloorBytes = 1024 * 1024;

    // Excel's built-in number formats that show a date or a time (ECMA-376 Part 1, 18.8.30).
    private static readonly HashSet<uint> BuiltInDateFormats = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57];

    private static readonly SearchValues<char> DateLetters = SearchValues.Create("yYdDmMhHsS");

    private readonly FileStream file;
    private readonly ImportOptions limits;
    private readonly Dictionary<string, long> partSizes = new(StringComparer.OrdinalIgnoreCase);
    private readonly char[] chunk = new char[4096];
    private SpreadsheetDocument? document;
    private XmlReader? sheet;
    private XlsxSharedStrings? sharedStrings;
    private HashSet<uint> dateStyles = [];
    private bool date1904;
    private long rowsRead;
    private int lastRow;

    private XlsxSheetReader(FileStream file, ImportOptions limits)
    {
        this.file = file;
        this.limits = limits;
    }

    /// <summary>Why the reading stopped before the end of the sheet: a cap reached mid-file, named in the refusal.</summary>
    public ImportRefusal? Refusal { get; private set; }

    /// <summary>
    /// One row: its number in the sheet, its cells by column (cells the sheet leaves out are null), or why the sheet cannot
    /// be read on.
    /// </summary>
    public sealed record Row(int Number, List<string?> Cells, string? Error = null);

    /// <summary>A cap reached inside the XML reader, carried out of it to the reader's edge.</summary>
    internal sealed class Refused(ImportRefusal refusal) : Exception(refusal.Detail)
    {
        public ImportRefusal Refusal { get; } = refusal;
    }

    /// <summary>
    /// Stores the upload, checks the package's sizes and opens its first sheet; a file that is no workbook, or is larger
    /// than a cap, is refused whole.
    /// </summary>
    public static async Task<(XlsxSheetReader? Reader, ImportRefusal? Refusal)> OpenAsync(Stream upload, ImportOptions limits, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-import-{Guid.NewGuid():N}.xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var reader = new XlsxSheetReader(file, limits);
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
            // The parts the SDK loads whole (workbook, styles) are capped again by its own count of their characters.
            document = SpreadsheetDocument.Open(file, isEditable: false, new() { MaxCharactersInPart = limits.MaxPartCharacters });
            var workbook = document.WorkbookPart;
            if (workbook is null) return NoSheet();
            if ((PartRefusal(workbook) ?? PartRefusal(workbook.WorkbookStylesPart)) is { } whole) return whole;
            if (workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() is not { Id.Value: { } id }
                || workbook.GetPartById(id) is not WorksheetPart first)
            {
                return NoSheet();
            }
            date1904 = workbook.Workbook.WorkbookProperties?.Date1904?.Value ?? false;
            if (ReadSharedStrings(workbook.SharedStringTablePart) is { } stringsRefusal) return stringsRefusal;
            dateStyles = DateStyles(workbook.WorkbookStylesPart?.Stylesheet);
            sheet = Xml(first);
            return null;
        }
        catch (Refused e)
        {
            return e.Refusal;
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException
            or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return Malformed($"The file is not a readable .xlsx workbook: {e.Message}");
        }
    }

    private static ImportRefusal NoSheet() =>
        Malformed("The workbook has no worksheet: the first sheet must hold a header row naming the columns.");

    /// <summary>
    /// The sizes the package declares, from its directory, before anything is inflated: the unzipped total, how far any
    /// large entry inflates, and the parts the packaging layer parses whole (content types, relationships). The inflater
    /// stops at an entry's declared size, so a package cannot unzip to more than this says.
    /// </summary>
    private ImportRefusal? PackageRefusal()
    {
        using (var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
        {
            var total = 0L;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                partSizes[entry.FullName] = entry.Length;
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
                if ((entry.FullName == "[Content_Types].xml" || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                    && entry.Length > limits.MaxPartCharacters)
                {
                    return PartTooLarge(entry.FullName, entry.Length);
                }
            }
        }
        file.Position = 0;
        return null;
    }

    /// <summary>A part loaded whole (the workbook, the styles) larger than the cap on such parts, by the size the directory declares.</summary>
    private ImportRefusal? PartRefusal(OpenXmlPart? part) =>
        part is not null && partSizes.TryGetValue(part.Uri.OriginalString.TrimStart('/'), out var size) && size > limits.MaxPartCharacters
            ? PartTooLarge(part.Uri.OriginalString.TrimStart('/'), size)
            : null;

    private ImportRefusal PartTooLarge(string name, long size) => TooLarge(
        $"The part {name} unzips to {size:N0} bytes, more than the {limits.MaxPartCharacters:N0} a part read whole may have "
        + $"({ImportOptions.Section}:{nameof(ImportOptions.MaxPartCharacters)}).");

    /// <summary>A part as a stream of XML nodes: no DTD, no comments kept, every token bounded, characters counted.</summary>
    private XmlReader Xml(OpenXmlPart part) => XmlReader.Create(
        new XlsxPartStream(part.GetStream(FileMode.Open, FileAccess.Read), part.Uri.OriginalString.TrimStart('/')),
        new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = limits.MaxUnzippedBytes, CloseInput = true,
        });

    private static ImportRefusal Malformed(string detail) => new(ImportRefusalReason.Malformed, "The spreadsheet is not valid.", detail);

    internal static ImportRefusal TooLarge(string detail) =>
        new(ImportRefusalReason.LimitExceeded, "The spreadsheet exceeds an import limit.", detail);

    /// <summary>
    /// The next row of the sheet, read cell by cell; null at its end, or at a cap (then <see cref="Refusal"/> names it).
    /// A sheet that stops being valid XML ends with a row that says so. The file is local, so reading it synchronously
    /// blocks on nothing but the disk.
    /// </summary>
    public Row? NextRow()
    {
        if (Refusal is not null) return null;
        try
        {
            while (!sheet!.EOF)
            {
                if (sheet.NodeType == XmlNodeType.Element && sheet.LocalName == "row") return ReadRow();
                sheet.Read();
            }
            return null;
        }
        catch (Refused e)
        {
            Refusal = e.Refusal;
            return null;
        }
        catch (Exception e) when (e is XmlException or InvalidDataException or InvalidOperationException)
        {
            return new Row(lastRow + 1, [], $"The sheet is not valid spreadsheet XML: {e.Message}");
        }
    }

    /// <summary>
    /// A row, its cells by column: a column is checked before the row grows to it (a cell at ZZZZZZ would otherwise make a
    /// row of 321 million columns), and the row's cells and characters are counted as they are read.
    /// </summary>
    private Row ReadRow()
    {
        var number = uint.TryParse(sheet!.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? (int)Math.Min(r, (uint)int.MaxValue) : lastRow + 1;
        // Empty rows count: reading them is the work.
        if (++rowsRead > limits.MaxSpreadsheetRows || number > limits.MaxSpreadsheetRows)
        {
            throw new Refused(TooLarge($"The sheet has more than {limits.MaxSpreadsheetRows:N0} rows "
                + $"({ImportOptions.Section}:{nameof(ImportOptions.MaxSpreadsheetRows)}); split the file."));
        }
        lastRow = number;
        var cells = new List<string?>();
        if (sheet.IsEmptyElement)
        {
            sheet.Read();
            return new Row(number, cells);
        }
        var depth = sheet.Depth;
        var (count, characters) = (0, 0L);
        sheet.Read();
        while (!End(sheet, depth))
        {
            if (sheet.NodeType != XmlNodeType.Element || sheet.LocalName != "c")
            {
                Next(sheet);
                continue;
            }
            var reference = sheet.GetAttribute("r");
            var column = reference is null ? cells.Count : ColumnOf(reference);
            if (column >= MaxColumns)
            {
                throw new Refused(Malformed($"Row {number} has a cell at {reference ?? Spreadsheet.Name(column)}, beyond column XFD, "
                    + $"the last of the {MaxColumns:N0} columns a sheet has."));
            }
            if (++count > MaxColumns)
            {
                throw new Refused(Malformed($"Row {number} has more than {MaxColumns:N0} cells, the columns a sheet has (A to XFD)."));
            }
            var text = Cell(reference ?? Spreadsheet.Name(column) + number.ToString(CultureInfo.InvariantCulture));
            characters += text?.Length ?? 0;
            if (characters > limits.MaxRowCharacters)
            {
                throw new Refused(TooLarge($"Row {number} has more than {limits.MaxRowCharacters:N0} characters "
                    + $"({ImportOptions.Section}:{nameof(ImportOptions.MaxRowCharacters)})."));
            }
            while (cells.Count <= column) cells.Add(null);
            cells[column] = text;
        }
        sheet.Read();
        return new Row(number, cells);
    }

    /// <summary>The 0-based column of a reference; more than three letters is past XFD whatever they are (and would overflow).</summary>
    private static int ColumnOf(string reference) =>
        reference.TakeWhile(char.IsAsciiLetter).Count() > 3 ? MaxColumns : Spreadsheet.Index(reference);

    /// <summary>A cell (the reader on its start tag, left after its end) as text, by its type and style.</summary>
    private string? Cell(string reference)
    {
        var type = sheet!.GetAttribute("t");
        var style = sheet.GetAttribute("s");
        if (sheet.IsEmptyElement)
        {
            sheet.Read();
            return null;
        }
        var depth = sheet.Depth;
        StringBuilder? value = null;
        StringBuilder? inline = null;
        sheet.Read();
        while (!End(sheet, depth))
        {
            if (sheet.NodeType == XmlNodeType.Element && sheet.LocalName == "v")
            {
                value = new StringBuilder();
                if (!ReadText(sheet, value)) throw CellTooLong(reference);
            }
            else if (sheet.NodeType == XmlNodeType.Element && sheet.LocalName == "is")
            {
                inline = new StringBuilder();
                if (!ReadRichText(sheet, inline)) throw CellTooLong(reference);
            }
            else Next(sheet);
        }
        sheet.Read();
        return Text(type, style, value?.ToString(), inline?.ToString());
    }

    private static Refused CellTooLong(string reference) => new(TooLarge(
        $"The cell {reference} has more than {MaxCellCharacters:N0} characters; a cell holds at most {MaxCellCharacters:N0}."));

    private string? Text(string? type, string? style, string? value, string? inline)
    {
        switch (type)
        {
            case "s":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? sharedStrings?[i] : null;
            case "inlineStr":
                return inline is not null ? Spreadsheet.Unescape(inline) : value;
            case "b":
                return value == "1" ? "true" : value == "0" ? "false" : value;
            case "d":
                return value is { Length: > 10 } && value.EndsWith("T00:00:00", StringComparison.Ordinal) ? value[..10] : value;
            case null or "n":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return value;
                var dated = uint.TryParse(style, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && dateStyles.Contains(s);
                return dated ? DateText(number) : number.ToString(CultureInfo.InvariantCulture);
            default:
                return value is null ? null : Spreadsheet.Unescape(value);
        }
    }

    /// <summary>A date cell's serial number as the API writes dates; a time of day, where there is one, after a 'T'.</summary>
    private string DateText(double serial)
    {
        var moment = DateTime.FromOADate(serial).AddDays(date1904 ? 1462 : 0);
        return moment.TimeOfDay == TimeSpan.Zero
            ? moment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : moment.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
    }

    private static bool End(XmlReader xml, int depth) => xml.EOF || (xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth);

    /// <summary>On to the next node past this one: an element the reader does not need is skipped whole, unread.</summary>
    private static void Next(XmlReader xml)
    {
        if (xml.NodeType == XmlNodeType.Element) xml.Skip();
        else xml.Read();
    }

    /// <summary>
    /// Visits the nodes inside an element, the reader on its start tag and left after its end; each visit moves the reader
    /// on, and a visit that returns false stops the reading there.
    /// </summary>
    private static bool Inside(XmlReader xml, Func<XmlReader, bool> visit)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return true;
        }
        var depth = xml.Depth;
        xml.Read();
        while (!End(xml, depth))
        {
            if (!visit(xml)) return false;
        }
        xml.Read();
        return true;
    }

    /// <summary>The text of an element appended in chunks, so a text node is never held whole; false once it passes a cell's characters.</summary>
    private bool ReadText(XmlReader xml, StringBuilder into) => Inside(xml, node =>
    {
        if (node.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace))
        {
            Next(node);
            return true;
        }
        int read;
        while ((read = node.ReadValueChunk(chunk, 0, chunk.Length)) > 0)
        {
            into.Append(chunk, 0, read);
            if (into.Length > MaxCellCharacters) return false;
        }
        node.Read();
        return true;
    });

    /// <summary>Plain or rich text of a shared or inline string (its t elements, in runs or not), without phonetic guides.</summary>
    private bool ReadRichText(XmlReader xml, StringBuilder into) => Inside(xml, node =>
    {
        if (node.NodeType == XmlNodeType.Element && node.LocalName == "t") return ReadText(node, into);
        if (node.NodeType == XmlNodeType.Element && node.LocalName is "rPh" or "phoneticPr") node.Skip();
        else node.Read();
        return true;
    });

    /// <summary>
    /// The shared strings, kept while the sheet is read (cells refer to them by index), counted as they are read: their
    /// number, their characters in all (the disk they take), and each one's length against a cell's.
    /// </summary>
    private ImportRefusal? ReadSharedStrings(SharedStringTablePart? part)
    {
        if (part is null) return null;
        sharedStrings = new XlsxSharedStrings();
        var characters = 0L;
        var text = new StringBuilder();
        using var xml = Xml(part);
        while (!xml.EOF)
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "si")
            {
                xml.Read();
                continue;
            }
            if (sharedStrings.Count >= limits.MaxSharedStrings) return TooManyStrings();
            text.Clear();
            if (!ReadRichText(xml, text))
            {
                return TooLarge($"Shared string {sharedStrings.Count:N0} has more than {MaxCellCharacters:N0} characters; a cell holds at most "
                    + $"{MaxCellCharacters:N0}.");
            }
            characters += text.Length;
            if (characters > limits.MaxSharedStringCharacters) return TooManyStrings();
            sharedStrings.Add(Spreadsheet.Unescape(text.ToString()));
        }
        return null;
    }

    private ImportRefusal TooManyStrings() => TooLarge(
        $"The workbook has more than {limits.MaxSharedStrings:N0} shared strings or {limits.MaxSharedStringCharacters:N0} characters in "
        + $"them ({ImportOptions.Section}:{nameof(ImportOptions.MaxSharedStrings)}, "
        + $"{ImportOptions.Section}:{nameof(ImportOptions.MaxSharedStringCharacters)}).");

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
        var bare = new StringBuilder();
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
