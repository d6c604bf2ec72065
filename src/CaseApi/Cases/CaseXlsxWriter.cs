using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CaseApi.Cases;

/// <summary>
/// Writes exported cases as an .xlsx workbook of one sheet, row by row with the Open XML SDK's SAX writer
/// (OpenXmlWriter): typed cells (numbers, booleans, day-precise dates and timestamps as date cells, text inline, lists
/// joined with ';' as in CSV), a bold header frozen in place. The SDK's package layer buffers every part it writes in
/// memory on .NET, so the parts go into a ZIP archive written forward-only instead, drained to the response every
/// few hundred rows: memory stays flat however many cases match.
/// </summary>
internal static class CaseXlsxWriter
{
    private const int RowsPerDrain = 500;
    private const uint DateStyle = 1;
    private const uint TimestampStyle = 2;
    private const uint HeaderStyle = 3;

    // The package's own plumbing (content types and relationships, ECMA-376 Part 2): fixed for a one-sheet workbook.
    private const string ContentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
        <Default Extension="xml" ContentType="application/xml"/>
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
        </Types>
        """;

    private const string PackageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
        </Relationships>
        """;

    private const string WorkbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
        </Relationships>
        """;

    public static async Task WriteAsync(
        Stream body, IAsyncEnumerable<ExportedCase> cases, IReadOnlyList<CaseExportColumn> columns, CancellationToken ct)
    {
        await using var buffer = new ExportBuffer();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Text(zip, "[Content_Types].xml", ContentTypes);
            Text(zip, "_rels/.rels", PackageRelationships);
            Text(zip, "xl/_rels/workbook.xml.rels", WorkbookRelationships);
            Element(zip, "xl/workbook.xml", new Workbook(new Sheets(new Sheet { Name = "cases", SheetId = 1, Id = "rId1" })));
            Element(zip, "xl/styles.xml", Styles());

            var references = columns.Select((_, i) => Spreadsheet.Name(i)).ToArray();
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open();
            using var xml = OpenXmlWriter.Create(sheet);
            xml.WriteStartDocument();
            xml.WriteStartElement(new Worksheet());
            var frozen = new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen };
            xml.WriteElement(new SheetViews(new SheetView(frozen) { WorkbookViewId = 0 }));
            xml.WriteStartElement(new SheetData());
            WriteRow(xml, 1, columns.Select((c, i) => Cell(InlineText(c.Name), references[i], 1, HeaderStyle)));
            uint number = 1;
            await foreach (var c in cases.WithCancellation(ct))
            {
                number++;
                var row = number;
                WriteRow(xml, row, columns.Select((column, i) => TypedCell(column, c) is { } cell ? cell.At(references[i], row) : null));
                if (number % RowsPerDrain == 0) await buffer.DrainAsync(body, ct);
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        await buffer.DrainAsync(body, ct);
    }

    private static void WriteRow(OpenXmlWriter xml, uint number, IEnumerable<Cell?> cells)
    {
        xml.WriteStartElement(new Row { RowIndex = number });
        foreach (var cell in cells)
        {
            if (cell is not null) xml.WriteElement(cell);
        }
        xml.WriteEndElement();
    }

    /// <summary>A column's value as a typed cell; null for an empty value (the cell is left out).</summary>
    private static Cell? TypedCell(CaseExportColumn column, ExportedCase c)
    {
        var value = column.Value(c);
        if (value is null) return null;
        return (column.Kind, value) switch
        {
            (ExportKind.Integer, int n) => new Cell(new CellValue(n)) { DataType = CellValues.Number },
            (ExportKind.Number, decimal d) => new Cell(new CellValue(d)) { DataType = CellValues.Number },
            // ECMA-376 Part 1 §18.18.11: a boolean cell holds 0 or 1; the SDK's CellValue(bool) writes "true", which
            // Excel forgives and openpyxl (so pandas.read_excel) does not.
            (ExportKind.Boolean, bool b) => new Cell(new CellValue(b ? "1" : "0")) { DataType = CellValues.Boolean },
            (ExportKind.Timestamp, DateTimeOffset t) => new Cell(new CellValue(t.UtcDateTime.ToOADate())) { StyleIndex = TimestampStyle },
            // Only a date known to the day is a date; a year or a month stays the text it is, so nothing is made more precise.
            (ExportKind.PartialDate, string { Length: 10 } day) when PartialDate.TryParse(day, out var date) =>
                new Cell(new CellValue(date.Value.ToDateTime(TimeOnly.MinValue).ToOADate())) { StyleIndex = DateStyle },
            _ => column.Cell(c) is { Length: > 0 } text ? InlineText(text) : null,
        };
    }

    private static Cell InlineText(string text) =>
        new(new InlineString(new Text(Spreadsheet.Escape(text)) { Space = SpaceProcessingModeValues.Preserve }))
        {
            DataType = CellValues.InlineString,
        };

    private static Cell At(this Cell cell, string column, uint row)
    {
        cell.CellReference = column + row.ToString(CultureInfo.InvariantCulture);
        return cell;
    }

    private static Cell Cell(Cell cell, string column, uint row, uint style)
    {
        cell.StyleIndex = style;
        return cell.At(column, row);
    }

    /// <summary>
    /// A complete style sheet as ECMA-376 Part 1 §18.8 lays it out and Excel writes it: fonts, the two reserved fills,
    /// an empty border with its sides, the one master format (cellStyleXfs) and the Normal style every cell format
    /// derives from, each cell format naming its font, fill, border and number format. Readers that do not fill in
    /// defaults (openpyxl among them) need every part.
    /// </summary>
    private static Stylesheet Styles()
    {
        static CellFormat Format(uint numberFormat = 0, uint font = 0) => new()
        {
            NumberFormatId = numberFormat, FontId = font, FillId = 0, BorderId = 0, FormatId = 0,
            ApplyNumberFormat = numberFormat != 0 ? true : null, ApplyFont = font != 0 ? true : null,
        };

        return new(
            new NumberingFormats(
                new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" },
                new NumberingFormat { NumberFormatId = 165, FormatCode = "yyyy-mm-dd hh:mm:ss" }) { Count = 2 },
            new Fonts(new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" })) { Count = 2 },
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
            new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
            new CellFormats(Format(), Format(numberFormat: 164), Format(numberFormat: 165), Format(font: 1)) { Count = 4 },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
    }

    private static void Element(ZipArchive zip, string name, OpenXmlElement root)
    {
        using var part = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var xml = OpenXmlWriter.Create(part);
        xml.WriteStartDocument();
        xml.WriteElement(root);
    }

    private static void Text(ZipArchive zip, string name, string text)
    {
        using var part = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        part.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }
}
