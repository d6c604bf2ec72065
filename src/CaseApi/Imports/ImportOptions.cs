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
    /// The most an .xlsx may unzip to, all parts together, and the most characters any one part may have: far more than the
    /// 100,000-case workbook the memory tests import, far less than a 200 MB body of ZIP bombs could ask for.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxUnzippedBytes { get; set; } = 1L << 30;

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
