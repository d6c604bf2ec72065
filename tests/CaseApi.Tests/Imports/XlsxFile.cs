using CaseApi.Cases;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CaseApi.Tests.Imports;

/// <summary>
/// Builds .xlsx files the way Excel saves them (shared strings, styled date cells, rows with gaps), with the Open XML
/// SDK's DOM: an independent writer, so the import is not only ever fed what the export writes.
/// </summary>
public static class XlsxFile
{
    /// <summary>A workbook whose first sheet holds the rows (row 1 first; a null row is left out, a null cell is empty) and a decoy second sheet.</summary>
    public static byte[] Build(params object?[]?[] rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            // Style 1: the built-in date format 14; style 2: a custom "d mmm yyyy".
            styles.Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 170, FormatCode = "d mmm yyyy" }),
                new Fonts(new Font()), new Fills(new Fill(), new Fill()), new Borders(new Border()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14 }, new CellFormat { NumberFormatId = 170 }));
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new SharedStringTable();

            var data = new SheetData();
            for (var r = 0; r < rows.Length; r++)
            {
                if (rows[r] is not { } cells) continue;
                var row = new Row { RowIndex = (uint)r + 1 };
                for (var c = 0; c < cells.Length; c++)
                {
                    if (Cell(cells[c], strings.SharedStringTable, c % 2 == 0 ? 1u : 2u) is { } cell)
                    {
                        cell.CellReference = $"{Spreadsheet.Name(c)}{r + 1}";
                        row.Append(cell);
                    }
                }
                data.Append(row);
            }
            AddSheet(workbook, "Cases", data);
            AddSheet(workbook, "Notes", new SheetData(new Row(new Cell(new CellValue("not cases")) { DataType = CellValues.String }) { RowIndex = 1 }));
        }
        return stream.ToArray();
    }

    private static Cell? Cell(object? value, SharedStringTable strings, uint dateStyle) => value switch
    {
        null => null,
        string text => SharedString(text, strings),
        bool b => new Cell(new CellValue(b)) { DataType = CellValues.Boolean },
        DateTime date => new Cell(new CellValue(date.ToOADate())) { StyleIndex = dateStyle },
        int n => new Cell(new CellValue(n)),
        decimal d => new Cell(new CellValue(d)),
        double d => new Cell(new CellValue(d)),
        _ => throw new ArgumentException($"No cell for {value.GetType()}", nameof(value)),
    };

    private static Cell SharedString(string text, SharedStringTable strings)
    {
        strings.Append(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return new Cell(new CellValue(strings.ChildElements.Count - 1)) { DataType = CellValues.SharedString };
    }

    private static void AddSheet(WorkbookPart workbook, string name, SheetData data)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        part.Worksheet = new Worksheet(data);
        var sheets = workbook.Workbook.Sheets!;
        sheets.Append(new Sheet { Name = name, SheetId = (uint)sheets.ChildElements.Count + 1, Id = workbook.GetIdOfPart(part) });
    }
}
