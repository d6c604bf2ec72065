using System.IO.Compression;
using System.Text;

namespace CaseApi.Tests.Imports;

/// <summary>
/// The hostile workbooks of the second security review, written as raw package XML (the SDK's writer would refuse to
/// make most of them): a header row of slug and title, then what each attack needs.
/// </summary>
public static class HostileXlsx
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string StylesType =
        """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""";
    private const string HeaderRow = """<row r="1"><c r="A1" t="inlineStr"><is><t>slug</t></is></c><c r="B1" t="inlineStr"><is><t>title</t></is></c></row>""";

    /// <summary>60 rows, each with a cell at the column given (ZZZZZ, ZZZZZZ): a 2 KB file that asked for a row of millions of columns.</summary>
    public static byte[] CellsAtColumn(string column) => Build(sheet =>
    {
        for (var r = 2; r <= 61; r++) sheet.Write($"""<row r="{r}"><c r="{column}{r}"><v>1</v></c></row>""");
    });

    /// <summary>Rows of valid cases, then a cell at ZZZZZ: the cap is reached after rows were already staged.</summary>
    public static byte[] ValidRowsThenColumn(int validRows, string column) => Build(sheet =>
    {
        for (var r = 2; r <= validRows + 1; r++)
        {
            sheet.Write($"""<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>hostile-{r}</t></is></c>""");
            sheet.Write($"""<c r="B{r}" t="inlineStr"><is><t>Hostile {r}</t></is></c></row>""");
        }
        var last = validRows + 2;
        sheet.Write($"""<row r="{last}"><c r="{column}{last}"><v>1</v></c></row>""");
    });

    /// <summary>So many empty rows after the header (2,000,000 in the review): read, they are work; capped, they are a refusal.</summary>
    public static byte[] EmptyRows(int rows) => Build(sheet =>
    {
        for (var r = 2; r <= rows + 1; r++) sheet.Write($"""<row r="{r}"/>""");
    });

    /// <summary>
    /// Shared strings of the given length, one cell using the first: 100 of 1 MB of one letter in the review (a 105 KB
    /// file that needed 566 MB); of random letters, a file that does not inflate like a ZIP bomb, so the strings' own caps answer.
    /// </summary>
    public static byte[] LongSharedStrings(int count, int characters, bool random = false) => Build(
        sheet => sheet.Write("""<row r="2"><c r="A2" t="s"><v>0</v></c></row>"""),
        strings =>
        {
            strings.Write($"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}" count="{count}" uniqueCount="{count}">""");
            var letters = new Random(30);
            for (var i = 0; i < count; i++)
            {
                var text = random ? string.Concat(Enumerable.Range(0, characters).Select(_ => (char)('a' + letters.Next(26)))) : new string('a', characters);
                strings.Write($"<si><t>{text}</t></si>");
            }
            strings.Write("</sst>");
        });

    /// <summary>
    /// A case whose title is shared string 0, then so many more shared strings of random letters (text that does not
    /// inflate like a ZIP bomb): within the caps, more than a small heap would hold as .NET strings.
    /// </summary>
    public static byte[] ManySharedStrings(string slug, string title, int count, int characters) => Build(
        sheet => sheet.Write($"""<row r="2"><c r="A2" t="inlineStr"><is><t>{slug}</t></is></c><c r="B2" t="s"><v>0</v></c></row>"""),
        strings =>
        {
            strings.Write($"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}" count="{count + 1}" uniqueCount="{count + 1}">""");
            strings.Write($"<si><t>{title}</t></si>");
            var letters = new Random(30);
            var text = new char[characters];
            for (var i = 0; i < count; i++)
            {
                for (var c = 0; c < characters; c++) text[c] = (char)('a' + letters.Next(26));
                strings.Write("<si><t>");
                strings.Write(text);
                strings.Write("</t></si>");
            }
            strings.Write("</sst>");
        });

    /// <summary>One row of cells at column A again and again: more cell elements than a row has columns.</summary>
    public static byte[] RepeatedCells(int cells) => Build(sheet =>
    {
        sheet.Write("""<row r="2">""");
        for (var c = 0; c < cells; c++) sheet.Write($"""<c r="A2"><v>{c}</v></c>""");
        sheet.Write("</row>");
    });

    /// <summary>One row of inline cells of random letters, each within a cell's limit, together far more than a row needs.</summary>
    public static byte[] LongRow(int cells, int characters) => Build(sheet =>
    {
        var letters = new Random(30);
        sheet.Write("""<row r="2">""");
        for (var c = 0; c < cells; c++)
        {
            sheet.Write($"""<c r="{Column(c)}2" t="inlineStr"><is><t>""");
            for (var i = 0; i < characters; i++) sheet.Write((char)('a' + letters.Next(26)));
            sheet.Write("</t></is></c>");
        }
        sheet.Write("</row>");
    });

    /// <summary>One inline cell of random letters (a single text node), of the given length.</summary>
    public static byte[] LongCell(int characters) => LongRow(1, characters);

    /// <summary>A cell whose style attribute is the given number of random letters: one tag larger than any a spreadsheet writes.</summary>
    public static byte[] LongAttribute(int characters) => Build(sheet =>
    {
        var letters = new Random(30);
        sheet.Write("<row r=\"2\"><c r=\"A2\" s=\"");
        for (var i = 0; i < characters; i++) sheet.Write((char)('a' + letters.Next(26)));
        sheet.Write("\"><v>1</v></c></row>");
    });

    /// <summary>A styles part padded with an attribute of random letters: a part read whole, larger than such parts may be.</summary>
    public static byte[] LargeStyles(int characters) => Build(_ => { }, styles: w =>
    {
        var letters = new Random(30);
        w.Write($"""<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{Main}"><numFmts count="1"><numFmt numFmtId="200" formatCode=""" + "\"");
        for (var i = 0; i < characters; i++) w.Write((char)('a' + letters.Next(26)));
        w.Write("\"/></numFmts></styleSheet>");
    });

    private static string Column(int index) => index < 26 ? $"{(char)('A' + index)}" : $"{Column(index / 26 - 1)}{(char)('A' + index % 26)}";

    /// <summary>A sheet padded with the given number of spaces: a small file that unzips to that many bytes.</summary>
    public static byte[] Bomb(long bytes) => Build(sheet =>
    {
        var block = new string(' ', 1 << 20);
        for (var written = 0L; written < bytes; written += block.Length) sheet.Write(block);
    });

    private static byte[] Build(Action<StreamWriter> rows, Action<StreamWriter>? sharedStrings = null, Action<StreamWriter>? styles = null)
    {
        using var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            var strings = sharedStrings is null ? "" :
                """<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""";
            Entry(zip, "[Content_Types].xml", w => w.Write($"""
                <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                {strings}{(styles is null ? "" : StylesType)}</Types>
                """));
            Entry(zip, "_rels/.rels", w => w.Write($"""
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """));
            Entry(zip, "xl/workbook.xml", w => w.Write($"""
                <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="{Relationships}">
                <sheets><sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>
                """));
            var stringsRelationship = (sharedStrings is null ? "" : $"""<Relationship Id="rId2" Type="{Relationships}/sharedStrings" Target="sharedStrings.xml"/>""")
                + (styles is null ? "" : $"""<Relationship Id="rId3" Type="{Relationships}/styles" Target="styles.xml"/>""");
            Entry(zip, "xl/_rels/workbook.xml.rels", w => w.Write($"""
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="{Relationships}/worksheet" Target="worksheets/sheet1.xml"/>{stringsRelationship}</Relationships>
                """));
            Entry(zip, "xl/worksheets/sheet1.xml", w =>
            {
                w.Write($"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>{HeaderRow}""");
                rows(w);
                w.Write("</sheetData></worksheet>");
            });
            if (sharedStrings is not null) Entry(zip, "xl/sharedStrings.xml", sharedStrings);
            if (styles is not null) Entry(zip, "xl/styles.xml", styles);
        }
        return file.ToArray();
    }

    private static void Entry(ZipArchive zip, string name, Action<StreamWriter> write)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false));
        write(writer);
    }
}
