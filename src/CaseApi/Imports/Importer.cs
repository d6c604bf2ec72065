using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Store;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Imports;

/// <summary>
/// One import from start to finish: it opens the upload, answers a retried Idempotency-Key, streams the records
/// through validation into staging (binary COPY) inside the one transaction it owns, lets the store judge what only
/// the store can (known slugs, ids, required fields of new cases), merges set-based, writes the audit rows and the
/// report, and commits — or rolls everything back for a dry run or a rejected file.
/// </summary>
internal sealed class Importer(
    CaseDbContext db, IValidator<CaseRequest> validator, TimeProvider time, IOptions<ImportOptions> options,
    IOptions<JsonOptions> jsonOptions, ILogger<Importer> log)
{
    public const int MaxListedChanges = 100;

    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> RecordJson = [];
    private static readonly CaseFieldMask SlugBit = CaseColumns.ByName["slug"].Bit;

    public async Task<Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult>> ImportAsync(
        ImportQuery query, HttpContext http, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var startedTimestamp = time.GetTimestamp();
        var mode = query.ModeOrDefault;
        using var sha = SHA256.Create();
        // With a key, the body is hashed as it streams past, so a retry can be told from a different file without buffering either.
        await using var hashing = query.IdempotencyKey is null
            ? null
            : new CryptoStream(http.Request.Body, sha, CryptoStreamMode.Read, leaveOpen: true);
        Stream raw = hashing ?? http.Request.Body;
        var (format, upload, unsupported) = await ImportUpload.OpenAsync(http.Request, raw, ct);
        if (unsupported is not null) return unsupported;
        var fingerprint = $"{format}|{mode}|{query.IsDryRun}|{query.IsAtomic}|";

        if (query.IdempotencyKey is { } key && await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.IdempotencyKey == key, ct) is { } earlier)
        {
            await raw.CopyToAsync(Stream.Null, ct);
            if (!CryptographicOperations.FixedTimeEquals(earlier.BodyHash, RequestHash(fingerprint, sha)))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key reused for a different request.",
                    detail: $"Import {earlier.Id} was made with this key and another body or other options. Use a new key for a new import.");
            }
            return Reply(ImportResponse.From(earlier));
        }

        await using var opened = await OpenRowsAsync(format!, upload!, jsonOptions.Value.SerializerOptions, ct);
        if (opened.Problem is not null) return opened.Problem;
        var rows = opened.Rows!;

        var report = new ImportReport
        {
            Id = Guid.CreateVersion7(started), Actor = AuditTrail.Actor(http.User), Format = format!, Mode = mode, DryRun = query.IsDryRun,
            Atomic = query.IsAtomic, Status = ImportStatus.Committed, StartedAt = started, IdempotencyKey = query.IdempotencyKey,
        };
        var errors = new List<ImportError>();
        List<ImportChange>? changes = null;

        // The set-based merge of a large file runs far past EF's 30 s default (50,000 rows take about that on 2 cores).
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(options.Value.CommandTimeoutSeconds));
        // One transaction for the whole import: a crash or a dropped connection anywhere leaves the store as it was.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The pool's statement_timeout is for short requests; the import's statements have the import's own limit.
        var timeout = (options.Value.CommandTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture);
        await db.Database.ExecuteAsync(SqlFragment.Of($"SELECT set_config('statement_timeout', {timeout}, true)"), ct);
        await using (var staging = await ImportStaging.BeginAsync(db, ct))
        {
            await StageAsync(rows, mode, staging, report, errors, started, ct);
            await staging.MatchAsync(ct);
            var (refused, first) = await staging.RejectAsync(mode == ImportModes.Insert, ImportOptions.MaxListedErrors, ct);
            report.Rejected += refused;
            errors.AddRange(first);

            report.Status = query.IsDryRun ? ImportStatus.DryRun
                : query.IsAtomic && report.Rejected > 0 ? ImportStatus.Rejected
                : ImportStatus.Committed;
            if (report.Status != ImportStatus.Rejected) (report.Created, report.Updated, report.Unchanged) = await staging.CountAsync(ct);
            if (report.Status == ImportStatus.DryRun) changes = await staging.ChangesAsync(MaxListedChanges, ct);
            if (report.Status == ImportStatus.Committed) await staging.MergeAsync(report.Id, report.Actor, http.TraceIdentifier, started, ct);
        }
        if (report.Status != ImportStatus.Committed) await transaction.RollbackAsync(ct);

        if (query.IdempotencyKey is not null)
        {
            await raw.CopyToAsync(Stream.Null, ct);
            report.BodyHash = RequestHash(fingerprint, sha);
        }
        report.Errors = JsonSerializer.SerializeToDocument(errors.OrderBy(e => e.Row).Take(ImportOptions.MaxListedErrors), JsonSerializerOptions.Web);
        report.DurationMs = (long)time.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        db.Imports.Add(report);
        if (report.Status == ImportStatus.Committed)
        {
            var counts = new { report.Received, report.Created, report.Updated, report.Unchanged, report.Rejected };
            var audit = AuditTrail.Event(http, "import", "import", report.Id.ToString(),
                JsonSerializer.SerializeToNode(counts, JsonSerializerOptions.Web), started);
            audit.ImportId = report.Id;
            db.AuditEvents.Add(audit);
        }
        // A committed import's report commits with its rows; a dry run's or a rejection's is saved on its own.
        await db.SaveChangesAsync(ct);
        // A commit once begun is seen through: cancelled half-way (a shutdown drain ending), the client could not be told
        // whether the import was stored.
        if (report.Status == ImportStatus.Committed) await transaction.CommitAsync(CancellationToken.None);

        log.LogInformation("Import {ImportId} {Status}: {Received} received, {Created} created, {Updated} updated, "
            + "{Unchanged} unchanged, {Rejected} rejected in {DurationMs} ms",
            report.Id, report.Status, report.Received, report.Created, report.Updated, report.Unchanged, report.Rejected, report.DurationMs);
        return Reply(ImportResponse.From(report) with { Changes = changes });
    }

    /// <summary>The upload's records in its format's reader, or the problem that refuses the whole file (not text, a bad header).</summary>
    private static async Task<OpenedFile> OpenRowsAsync(string format, Stream upload, JsonSerializerOptions json, CancellationToken ct)
    {
        if (format == "xlsx")
        {
            var (sheet, sheetProblem) = await XlsxImportReader.OpenAsync(upload, json, ct);
            return sheet is null ? new(null, null, HeaderProblem("The spreadsheet", sheetProblem!)) : new(sheet.ReadAsync(ct), sheet, null);
        }
        var (text, head, looksLike) = await ImportUpload.ReadTextAsync(upload, ct);
        if (text is null)
        {
            return new(null, null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The file is not text.",
                detail: $"The file was sent as {format} but looks like {looksLike}. Send {ImportUpload.Accepted}."));
        }
        if (format != "csv")
        {
            var records = format == "json"
                ? JsonImportReader.ReadArrayAsync(text, RecordOptions(json), ct)
                : JsonImportReader.ReadLinesAsync(text, RecordOptions(json), ct);
            return new(records, null, null);
        }
        var (csv, csvProblem) = await CsvImportReader.OpenAsync(text, head, json);
        return csv is null ? new(null, null, HeaderProblem("The CSV header", csvProblem!)) : new(csv.ReadAsync(ct), csv, null);
    }

    private static ProblemHttpResult HeaderProblem(string what, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"{what} is not valid.", detail: detail);

    /// <summary>An opened upload: its records and the reader to close after them, or the problem with the whole file.</summary>
    private sealed record OpenedFile(IAsyncEnumerable<ImportRow>? Rows, IAsyncDisposable? Reader, ProblemHttpResult? Problem) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Reader?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>
    /// Validates each record with the case API's own validator and streams the valid ones into staging. In an upsert a
    /// field the record does not name is not judged here (it keeps its stored value); the store judges the rest.
    /// </summary>
    private async Task StageAsync(IAsyncEnumerable<ImportRow> rows, string mode, ImportStaging staging, ImportReport report,
        List<ImportError> errors, DateTimeOffset now, CancellationToken ct)
    {
        var firstRowOfSlug = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var read in rows)
        {
            report.Received++;
            var row = mode == ImportModes.Upsert ? read : read with { Present = CaseColumns.AllFields };
            var rowErrors = new List<ImportError>(row.Errors);
            if (row.Request is { } request)
            {
                // Reference codes are cached, so validation makes no query per row.
                var result = await validator.ValidateAsync(request, ct);
                rowErrors.AddRange(result.Errors.Where(e => Judged(e.PropertyName, row.Present | SlugBit))
                    .Select(e => new ImportError(row.Number, row.Slug, e.PropertyName, e.ErrorMessage)));
            }
            if (row.Slug is { } slug && !firstRowOfSlug.TryAdd(slug, row.Number))
            {
                rowErrors.Add(new ImportError(row.Number, slug, "slug",
                    $"The slug '{slug}' is already used by row {firstRowOfSlug[slug]} of this file."));
            }

            if (rowErrors.Count == 0) await staging.WriteAsync(row, row.Request!.ToNewCase(now), ct);
            else
            {
                report.Rejected++;
                errors.AddRange(rowErrors.Take(ImportOptions.MaxListedErrors - errors.Count));
            }
            if (report.Received % options.Value.ProgressEvery == 0)
            {
                log.LogInformation("Import {ImportId}: {Received} records read, {Rejected} rejected so far",
                    report.Id, report.Received, report.Rejected);
            }
        }
    }

    /// <summary>Whether a validation error is about a field the row names (or about the row as a whole).</summary>
    private static bool Judged(string property, CaseFieldMask present)
    {
        var end = property.AsSpan().IndexOfAny('.', '[');
        var root = end < 0 ? property : property[..end];
        return !CaseColumns.ByName.TryGetValue(root, out var field) || present.Includes(field.Bit);
    }

    /// <summary>The API's strict JSON rules, except that a case record may carry the read-only fields of an export (checked by the reader).</summary>
    private static JsonSerializerOptions RecordOptions(JsonSerializerOptions json) => RecordJson.GetValue(json, api => new JsonSerializerOptions(api)
    {
        TypeInfoResolver = (api.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(type =>
        {
            if (type.Type == typeof(CaseRequest)) type.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        }),
    });

    private static Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult> Reply(ImportResponse response) =>
        response.Status == ImportStatus.Rejected ? TypedResults.UnprocessableEntity(response) : TypedResults.Ok(response);

    /// <summary>The body's hash together with the options: the same file under other options is a different request.</summary>
    private static byte[] RequestHash(string fingerprint, SHA256 body) => SHA256.HashData([.. Encoding.UTF8.GetBytes(fingerprint), .. body.Hash!]);
}
