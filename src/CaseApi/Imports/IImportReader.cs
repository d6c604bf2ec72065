namespace CaseApi.Imports;

/// <summary>
/// An open import file, one per format (<see cref="CsvImportReader"/>, <see cref="JsonImportReader"/>,
/// <see cref="XlsxImportReader"/>; <see cref="ImportReaders"/> opens the one a file needs). A reader owns its format's
/// syntax and its limits: a file it cannot read at all is refused when it is opened, and a record it cannot read is an
/// <see cref="ImportRow"/> with errors, so one bad record never costs the others. Tabular readers turn their header
/// into fields with <see cref="ImportHeader"/>, so CSV and spreadsheets share every cell rule.
/// </summary>
internal interface IImportReader : IAsyncDisposable
{
    /// <summary>The records in file order, streamed: a reader holds one record at a time, never the file.</summary>
    IAsyncEnumerable<ImportRow> ReadAsync(CancellationToken ct);

    /// <summary>
    /// Why the reader stopped before the end of the file, once <see cref="ReadAsync"/> has ended: a cap reached mid-file
    /// (rows, columns), named in the refusal. The pipeline then refuses the whole request before judging any record.
    /// </summary>
    ImportRefusal? Refusal => null;
}
