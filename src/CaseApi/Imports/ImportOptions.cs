using System.ComponentModel.DataAnnotations;

namespace CaseApi.Imports;

/// <summary>Configuration section "Imports".</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";
    public const int MaxListedErrors = 1000;

    /// <summary>Largest import body; separate from (and far above) the 1 MB limit of ordinary requests.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest a single statement of an import (the staging COPY, the merge, the audit insert) may run.</summary>
    [Range(1, 24 * 3600)]
    public int CommandTimeoutSeconds { get; set; } = 3600;

    /// <summary>
    /// Longest a whole import may take, from the first byte read to the commit: only a backstop behind the caps on what a file
    /// may ask for. The largest file the caps allow (1,048,576 rows) takes about 16 minutes at the measured 1,100 rows/s.
    /// </summary>
    [Range(1, 24 * 3600)]
    public int DeadlineSeconds { get; set; } = 3600;

    /// <summary>
    /// The most an .xlsx may unzip to, all parts together, and the most characters the sheet or the shared strings may have:
    /// far more than the 100,000-case workbook the memory tests import, far less than a 200 MB body of ZIP bombs could ask for.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxUnzippedBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The most characters of a part of an .xlsx that is read whole (the workbook, its styles, content types and relationships;
    /// the sheet and the shared strings are streamed): Excel's 64,000 cell formats take about 6 million.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxPartCharacters { get; set; } = 8_000_000;

    /// <summary>
    /// Characters in one row of an .xlsx, all its cells together (a row is held while it is read, 2 bytes a character): a
    /// case's summary holds at most 4,000 and a cell 32,767, so a million leaves room for every column of a case full.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxRowCharacters { get; set; } = 1_000_000;

    /// <summary>How far a part over 1 MB may inflate (unzipped ÷ zipped); spreadsheet XML compresses about 10:1, ZIP bombs 1000:1.</summary>
    [Range(1, int.MaxValue)]
    public int MaxCompressionRatio { get; set; } = 100;

    /// <summary>Rows a sheet may have, empty ones included: Excel's own limit, ten times the 100,000-row import the tests measure.</summary>
    [Range(1, int.MaxValue)]
    public int MaxSpreadsheetRows { get; set; } = 1_048_576;

    /// <summary>
    /// Shared strings of an .xlsx, kept while its sheet is read: eight bytes of memory each (their text is on disk), so the
    /// default costs at most 8 MB; an Excel-saved workbook of 100,000 cases has a few hundred thousand.
    /// </summary>
    [Range(1, 16_000_000)]
    public int MaxSharedStrings { get; set; } = 1_000_000;

    /// <summary>
    /// Characters in all the shared strings of an .xlsx together: disk, not memory (their UTF-8 in a temporary file beside
    /// the upload), room for 100,000 cases with summaries of a thousand characters.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxSharedStringCharacters { get; set; } = 128_000_000;

    /// <summary>A long import logs its progress every this many records.</summary>
    [Range(1, int.MaxValue)]
    public int ProgressEvery { get; set; } = 10_000;
}
