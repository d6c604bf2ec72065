using System.Security.Cryptography;
using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Imports;

/// <summary>
/// One import from upload to report, in stages with named seams: the upload's format (<see cref="ImportUpload"/>), a
/// retried Idempotency-Key (<see cref="ImportRequestHash"/>), the format's reader (<see cref="ImportReaders"/>, with the
/// header mapping of tabular files in <see cref="ImportHeaderMapping"/>), the validation of each record
/// (<see cref="ImportRowValidator"/>), the row sink (<see cref="ImportStaging"/>, inside an <see cref="ImportSession"/>
/// that owns the transaction and the time limits), the store's own judgement, the merge of a commit, and the report
/// (<see cref="ImportReportBuilder"/>), written one way whatever the status. It returns an <see cref="ImportOutcome"/>;
/// only the endpoint knows HTTP.
/// </summary>
internal sealed class ImportPipeline(
    CaseDbContext db, ImportRowValidator validator, TimeProvider time, IOptions<ImportOptions> options,
    IOptions<JsonOptions> jsonOptions, ILogger<ImportPipeline> log)
{
    public const int MaxListedChanges = 100;

    public async Task<ImportOutcome> RunAsync(ImportSubmission submission, CancellationToken ct)
    {
        using var deadline = new ImportDeadline(options.Value, time, ct);
        try
        {
            return await RunWithinAsync(submission, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.Passed)
        {
            log.LogWarning("Import stopped at its deadline of {DeadlineSeconds} s and rolled back", options.Value.DeadlineSeconds);
            return ImportOutcome.Refused(deadline.Refusal);
        }
    }

    private async Task<ImportOutcome> RunWithinAsync(ImportSubmission submission, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var startedTimestamp = time.GetTimestamp();
        var query = submission.Query;
        await using var request = new ImportRequestHash(submission.Body, query);
        var (format, upload, unsupported) = await ImportUpload.OpenAsync(submission.ContentType, request.Body, ct);
        if (unsupported is not null) return ImportOutcome.Refused(unsupported);
        if (query.IdempotencyKey is { } key && await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.IdempotencyKey == key, ct) is { } earlier)
        {
            return Retried(earlier, await request.FinishAsync(format!, ct));
        }

        var (opened, refusal) = await ImportReaders.OpenAsync(format!, upload!, jsonOptions.Value.SerializerOptions, options.Value, ct);
        if (opened is null) return ImportOutcome.Refused(refusal!);
        await using var reader = opened;
        var report = new ImportReportBuilder(new ImportReport
        {
            Id = Guid.CreateVersion7(started), Actor = submission.Actor, Format = format!, Mode = query.ModeOrDefault, DryRun = query.IsDryRun,
            Atomic = query.IsAtomic, Status = ImportStatus.Committed, StartedAt = started, IdempotencyKey = query.IdempotencyKey,
        }, submission.RequestId);

        stageStarted = startedTimestamp;
        await using var session = await ImportSession.BeginAsync(db, options.Value, ct);
        await StageAsync(reader, session.Staging, report, ct);
        Stage(report.Report.Id, "reading, validation and staging");
        // A cap reached mid-file: nothing is judged or kept (the session rolls back the rows staged so far).
        if (reader.Refusal is { } stopped) return ImportOutcome.Refused(stopped);
        var requestHash = await request.FinishAsync(format!, ct);
        var (changes, newEntities, newEntityCount) = await JudgeAsync(session.Staging, report, submission.RequestId, ct);
        var (stored, audit) = report.Finish(time.GetElapsedTime(startedTimestamp), requestHash);
        await session.CompleteAsync(stored, audit, ct);
        Stage(stored.Id, "commit");

        log.LogInformation("Import {ImportId} {Status}: {Received} received, {Created} created, {Updated} updated, "
            + "{Unchanged} unchanged, {Rejected} rejected in {DurationMs} ms",
            stored.Id, stored.Status, stored.Received, stored.Created, stored.Updated, stored.Unchanged, stored.Rejected, stored.DurationMs);
        return ImportOutcome.Reported(
            ImportResponse.From(stored) with { Changes = changes, NewEntities = newEntities, NewEntityCount = newEntityCount });
    }

    private long stageStarted;

    /// <summary>Logs how long the stage that just ended took, so that a slow import says where its time went.</summary>
    private void Stage(Guid importId, string stage)
    {
        var now = time.GetTimestamp();
        var ms = (long)time.GetElapsedTime(stageStarted, now).TotalMilliseconds;
        log.LogInformation("Import {ImportId}: {Stage} took {StageMs} ms", importId, stage, ms);
        stageStarted = now;
    }

    /// <summary>A retry answers with the first report; the same key over another body or other options is refused.</summary>
    private static ImportOutcome Retried(ImportReport earlier, byte[]? requestHash) =>
        CryptographicOperations.FixedTimeEquals(earlier.BodyHash, requestHash)
            ? ImportOutcome.Reported(ImportResponse.From(earlier))
            : ImportOutcome.Refused(new ImportRefusal(ImportRefusalReason.IdempotencyKeyReused, "Idempotency-Key reused for a different request.",
                $"Import {earlier.Id} was made with this key and another body or other options. Use a new key for a new import."));

    /// <summary>
    /// Validates each record and streams the valid ones into the row sink. In an upsert a field the record does not name
    /// is not judged here (it keeps its stored value); the store judges the rest.
    /// </summary>
    private async Task StageAsync(
        IImportReader reader, ImportStaging staging, ImportReportBuilder report, CancellationToken ct)
    {
        var mode = report.Report.Mode;
        var now = report.Report.StartedAt;
        var firstRowOfSlug = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var read in reader.ReadAsync(ct))
        {
            var row = mode == ImportModes.Upsert ? read : read with { Present = CaseColumns.AllFields };
            var rowErrors = new List<ImportError>(row.Errors);
            if (row.Request is { } request) rowErrors.AddRange(await validator.ValidateAsync(row, request, ct));
            if (row.Slug is { } slug && !firstRowOfSlug.TryAdd(slug, row.Number))
            {
                rowErrors.Add(new ImportError(row.Number, slug, "slug",
                    $"The slug '{slug}' is already used by row {firstRowOfSlug[slug]} of this file."));
            }

            if (rowErrors.Count == 0)
            {
                var c = row.Request!.ToNewCase(now);
                await staging.WriteAsync(row, c, ct);
                report.Accept();
            }
            else report.Reject(rowErrors);
            if (report.Report.Received % options.Value.ProgressEvery == 0)
            {
                log.LogInformation("Import {ImportId}: {Received} records read, {Rejected} rejected so far",
                    report.Report.Id, report.Report.Received, report.Report.Rejected);
            }
        }
    }

    /// <summary>
    /// Lets the store judge what only it can (known slugs, ids, required fields of new cases, names that match several
    /// entities), decides the status, counts what a commit does, and merges when the import commits; a dry run gets its
    /// field-level diff instead. The staged rows' names in every named role are resolved to entities a batch at a time
    /// (<see cref="ImportNames"/>); the entities the kept rows' names make are reported (the first of them, and how many)
    /// and written with their audit rows when the import commits, and the merged cases' links follow their names.
    /// </summary>
    private async Task<(List<ImportChange>? Changes, List<ImportNewEntity>? NewEntities, int? NewEntityCount)> JudgeAsync(
        ImportStaging staging, ImportReportBuilder builder, string requestId, CancellationToken ct)
    {
        var report = builder.Report;
        await staging.MatchAsync(ct);
        Stage(report.Id, "matching the stored cases");
        var names = await ImportNames.ResolveAsync(db, report.StartedAt, ct);
        Stage(report.Id, "resolving names");
        var (refused, first) = await staging.RejectAsync(report.Mode == ImportModes.Insert, names.AnyAmbiguous, ImportOptions.MaxListedErrors, ct);
        builder.RejectInStore(refused, first);
        report.Status = ImportStatus.Of(report.DryRun, report.Atomic, report.Rejected);
        if (report.Status == ImportStatus.Rejected) return (null, [], 0);

        (report.Created, report.Updated, report.Unchanged) = await staging.CountAsync(ct);
        await names.KeepAsync(ct);
        Stage(report.Id, "the store's checks");
        var committed = report.Status == ImportStatus.Committed;
        if (committed)
        {
            await staging.MergeAsync(report.Id, report.Actor, requestId, report.StartedAt, ct);
            Stage(report.Id, "writing cases");
            await names.InsertAsync(report.Id, report.Actor, requestId, report.StartedAt, ct);
            Stage(report.Id, "writing entities");
            await staging.LinkEntitiesAsync(ct);
            Stage(report.Id, "writing links");
        }
        var (newEntities, newEntityCount) = await names.ReportAsync(ImportOptions.MaxListedErrors, written: committed, ct);
        return (report.Status == ImportStatus.DryRun ? await staging.ChangesAsync(MaxListedChanges, ct) : null, newEntities, newEntityCount);
    }
}
