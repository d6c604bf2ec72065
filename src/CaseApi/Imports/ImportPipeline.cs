using System.Security.Cryptography;
using CaseApi.Cases;
using CaseApi.Entities;
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

        await using var session = await ImportSession.BeginAsync(db, options.Value, ct);
        var names = new Dictionary<string, (int Row, string Role)>(StringComparer.Ordinal);
        await StageAsync(reader, session.Staging, report, names, ct);
        // A cap reached mid-file: nothing is judged or kept (the session rolls back the rows staged so far).
        if (reader.Refusal is { } stopped) return ImportOutcome.Refused(stopped);
        var requestHash = await request.FinishAsync(format!, ct);
        var (changes, newEntities) = await JudgeAsync(session.Staging, report, names, submission.RequestId, ct);
        var (stored, audit) = report.Finish(time.GetElapsedTime(startedTimestamp), requestHash);
        await session.CompleteAsync(stored, audit, ct);

        log.LogInformation("Import {ImportId} {Status}: {Received} received, {Created} created, {Updated} updated, "
            + "{Unchanged} unchanged, {Rejected} rejected in {DurationMs} ms",
            stored.Id, stored.Status, stored.Received, stored.Created, stored.Updated, stored.Unchanged, stored.Rejected, stored.DurationMs);
        return ImportOutcome.Reported(ImportResponse.From(stored) with { Changes = changes, NewEntities = newEntities });
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
        IImportReader reader, ImportStaging staging, ImportReportBuilder report, Dictionary<string, (int Row, string Role)> names,
        CancellationToken ct)
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
                // Each name the row gives in a named role, with the first row that gives it, to resolve all at once.
                foreach (var (n, role) in EntityLinks.Written(c, row.Present)) names.TryAdd(n, (row.Number, role));
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
    /// field-level diff instead. The file's names in every named role are resolved to entities in one go; the entities a
    /// name the kept rows give makes are reported (and created, with their audit rows, when the import commits), and the
    /// merged cases' links follow their names.
    /// </summary>
    private async Task<(List<ImportChange>? Changes, List<ImportNewEntity> NewEntities)> JudgeAsync(
        ImportStaging staging, ImportReportBuilder builder, Dictionary<string, (int Row, string Role)> names, string requestId, CancellationToken ct)
    {
        var report = builder.Report;
        await staging.MatchAsync(ct);
        var resolution = await EntityResolver.ResolveAsync(db, names.Select(n => (n.Key, n.Value.Role)), report.StartedAt, ct);
        var (refused, first) = await staging.RejectAsync(report.Mode == ImportModes.Insert, resolution.Ambiguous, ImportOptions.MaxListedErrors, ct);
        builder.RejectInStore(refused, first);
        report.Status = ImportStatus.Of(report.DryRun, report.Atomic, report.Rejected);
        if (report.Status != ImportStatus.Rejected) (report.Created, report.Updated, report.Unchanged) = await staging.CountAsync(ct);

        // The first kept row naming each new entity, and its name and role there: entities only rejected rows name are not made.
        var firstNaming = new Dictionary<Guid, (int Row, string Name, string Role)>();
        var stillNamed = report.Status == ImportStatus.Rejected ? [] : await staging.NamedAsync(ct);
        foreach (var (name, _) in stillNamed)
        {
            if (!resolution.Resolved.TryGetValue(name, out var id) || !names.TryGetValue(name, out var given)) continue;
            if (!firstNaming.TryGetValue(id, out var known) || given.Row < known.Row) firstNaming[id] = (given.Row, name, given.Role);
        }
        var created = resolution.Created.Where(e => firstNaming.ContainsKey(e.Id)).OrderBy(e => firstNaming[e.Id].Row).ToList();
        if (report.Status == ImportStatus.Committed)
        {
            await staging.MergeAsync(report.Id, report.Actor, requestId, report.StartedAt, ct);
            await EntityCopy.InsertAsync(db, created, report.StartedAt, report.Actor, requestId, report.Id, ct);
            await staging.LinkEntitiesAsync(resolution.Resolved, ct);
        }
        var newEntities = created.ConvertAll(e => new ImportNewEntity(firstNaming[e.Id].Row, firstNaming[e.Id].Name, firstNaming[e.Id].Role, e.Slug,
            e.Kind, report.Status == ImportStatus.Committed ? e.Id : null));
        return (report.Status == ImportStatus.DryRun ? await staging.ChangesAsync(MaxListedChanges, ct) : null, newEntities);
    }
}
