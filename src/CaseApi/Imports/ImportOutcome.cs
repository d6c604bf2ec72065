namespace CaseApi.Imports;

/// <summary>
/// What an import came to, with no HTTP in it: its report (committed, dry run or rejected, each stored the same way),
/// or the refusal of the whole request before any record was judged. The endpoint turns it into a status code.
/// </summary>
internal sealed class ImportOutcome
{
    private readonly ImportResponse? report;
    private readonly ImportRefusal? refusal;

    private ImportOutcome(ImportResponse? report, ImportRefusal? refusal)
    {
        this.report = report;
        this.refusal = refusal;
    }

    public static ImportOutcome Reported(ImportResponse report) => new(report, null);

    public static ImportOutcome Refused(ImportRefusal refusal) => new(null, refusal);

    public T Match<T>(Func<ImportResponse, T> reported, Func<ImportRefusal, T> refused) =>
        refusal is not null ? refused(refusal) : reported(report!);
}

/// <summary>Why a whole request is refused: a title and a detail that say what to send instead.</summary>
internal sealed record ImportRefusal(ImportRefusalReason Reason, string Title, string Detail);

internal enum ImportRefusalReason
{
    /// <summary>No file, or a file in no format an import reads (the body's media type, or bytes that are not text).</summary>
    NotAnImportFormat,

    /// <summary>
    /// A file (or form) that cannot be read at all: a bad header, a workbook without a sheet. A limit a reader enforces
    /// (columns, strings, rows) is refused here too, naming the limit.
    /// </summary>
    Malformed,

    /// <summary>An Idempotency-Key already used for another body or other options.</summary>
    IdempotencyKeyReused,

    /// <summary>A file larger than a cap of its reader (unzipped size, rows, shared strings), when opened or mid-file.</summary>
    LimitExceeded,
}
