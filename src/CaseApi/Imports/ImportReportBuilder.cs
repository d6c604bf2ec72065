using System.Text.Json;
using CaseApi.Audit;

namespace CaseApi.Imports;

/// <summary>
/// The report of one import as the pipeline fills it in: every record counted as it is read, the first errors kept
/// (the readers', the validator's and the store's, listed in row order), then the store's counts and the status. It is
/// finished one way whatever the status, and <see cref="ImportSession.CompleteAsync"/> writes it one way, so a dry run's
/// or a rejected file's report is stored exactly like a committed one's.
/// </summary>
internal sealed class ImportReportBuilder(ImportReport report, string requestId)
{
    private readonly List<ImportError> errors = [];

    public ImportReport Report => report;

    /// <summary>A record that reached staging.</summary>
    public void Accept() => report.Received++;

    /// <summary>A record refused before staging, with its errors (kept while fewer than the listed maximum are).</summary>
    public void Reject(IReadOnlyCollection<ImportError> rowErrors)
    {
        report.Received++;
        report.Rejected++;
        errors.AddRange(rowErrors.Take(ImportOptions.MaxListedErrors - errors.Count));
    }

    /// <summary>The records the store refused in staging: how many, and the first of their errors.</summary>
    public void RejectInStore(int count, IEnumerable<ImportError> first)
    {
        report.Rejected += count;
        errors.AddRange(first);
    }

    /// <summary>The report as stored, and the audit row of an import that changed the store (none for a dry run or a rejection).</summary>
    public (ImportReport Report, AuditEvent? Audit) Finish(TimeSpan duration, byte[]? requestHash)
    {
        report.BodyHash = requestHash;
        report.Errors = JsonSerializer.SerializeToDocument(errors.OrderBy(e => e.Row).Take(ImportOptions.MaxListedErrors), JsonSerializerOptions.Web);
        report.DurationMs = (long)duration.TotalMilliseconds;
        return (report, report.Status == ImportStatus.Committed ? Audit() : null);
    }

    private AuditEvent Audit()
    {
        var counts = new { report.Received, report.Created, report.Updated, report.Unchanged, report.Rejected };
        return new AuditEvent
        {
            OccurredAt = report.StartedAt, Actor = report.Actor, Action = "import", EntityType = "import", EntityId = report.Id.ToString(),
            RequestId = requestId, ImportId = report.Id, Changes = JsonSerializer.SerializeToDocument(counts, JsonSerializerOptions.Web),
        };
    }
}
