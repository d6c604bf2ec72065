using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Infrastructure.Paging;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using FromHeaderAttribute = Microsoft.AspNetCore.Mvc.FromHeaderAttribute;
using RequestSizeLimitAttribute = Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace CaseApi.Imports;

internal static class ImportEndpoints
{
    public const string Csv = "text/csv";
    public const string Json = "application/json";
    public const string Ndjson = "application/x-ndjson";

    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value;
        var imports = app.MapGroup("/api/v1/imports").WithTags("Imports").RequireAuthorization(Policies.Admin);

        imports.MapPost("/", CreateImport).WithName(nameof(CreateImport)).RequireRateLimiting(RateLimitPolicies.Bulk)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Declared for the document only: Accepts() would make routing answer 415 itself, with a detail about JSON.
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The cases: CSV with a header row of case field names, a JSON array of cases, or NDJSON (one case a line).",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [Csv] = new() { Example = RequestExamples.ImportBody(Csv) },
                        [Json] = new() { Example = RequestExamples.ImportBody(Json) },
                        [Ndjson] = new() { Example = RequestExamples.ImportBody(Ndjson) },
                    },
                };
                return Task.CompletedTask;
            })
            // Bulk files are far larger than ordinary bodies: this endpoint alone gets the (configurable) import limit.
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxBodyBytes))
            .Produces<ImportResponse>(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        imports.MapGet("/", ListImports).WithName(nameof(ListImports)).ProducesProblem(StatusCodes.Status400BadRequest);
        imports.MapGet("/{id:guid}", GetImport).WithName(nameof(GetImport)).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Import cases from a CSV, JSON or NDJSON file.</summary>
    /// <remarks>
    /// mode=upsert (default, keyed on slug) or insert; dryRun=true validates and reports without writing; atomic=true
    /// (default) rejects the whole file with 422 when any record is bad, atomic=false writes the good records. A retry
    /// with the same Idempotency-Key and body returns the first report without importing again.
    /// </remarks>
    private static async Task<Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult>> CreateImport(
        HttpContext http, CaseDbContext db, IValidator<CaseRequest> validator, TimeProvider time, IOptions<ImportOptions> options,
        IOptions<JsonOptions> jsonOptions, ILoggerFactory loggers, CancellationToken ct,
        string mode = ImportModes.Upsert, bool dryRun = false, bool atomic = true,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey = null)
    {
        if (mode is not (ImportModes.Upsert or ImportModes.Insert))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown import mode.", detail: $"mode must be upsert or insert, not '{mode}'.");
        }
        var format = http.Request.HasMediaType(Csv) ? "csv" : http.Request.HasMediaType(Json) ? "json" : http.Request.HasMediaType(Ndjson) ? "ndjson" : null;
        if (format is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.",
                detail: $"Send the file as {Csv}, {Json} (an array of cases) or {Ndjson} (one case a line).");
        }
        if (idempotencyKey is { Length: 0 or > 200 })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid Idempotency-Key.", detail: "The key must be 1 to 200 characters.");
        }

        var started = time.GetUtcNow();
        var startedTimestamp = time.GetTimestamp();
        var json = jsonOptions.Value.SerializerOptions;
        using var sha = SHA256.Create();
        // With a key, the body is hashed as it streams past, so a retry can be told from a different file without buffering either.
        await using var hashing = idempotencyKey is null ? null : new CryptoStream(http.Request.Body, sha, CryptoStreamMode.Read, leaveOpen: true);
        var body = hashing ?? http.Request.Body;
        var fingerprint = $"{format}|{mode}|{dryRun}|{atomic}|";

        if (idempotencyKey is not null && await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.IdempotencyKey == idempotencyKey, ct) is { } earlier)
        {
            await body.CopyToAsync(Stream.Null, ct);
            if (!CryptographicOperations.FixedTimeEquals(earlier.BodyHash, RequestHash(fingerprint, sha)))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency-Key reused for a different request.",
                    detail: $"Import {earlier.Id} was made with this key and another body or other options. Use a new key for a new import.");
            }
            return Reply(ImportResponse.From(earlier));
        }

        var (text, looksLike) = await ImportBody.OpenAsync(body, ct);
        if (text is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The file is not text.",
                detail: $"The body was sent as {format} but looks like {looksLike}. Send the cases as {Csv}, {Json} or {Ndjson}.");
        }
        body = text;
        CsvImportReader? csv = null;
        if (format == "csv")
        {
            (csv, var headerProblem) = await CsvImportReader.OpenAsync(body, json);
            if (headerProblem is not null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The CSV header is not valid.", detail: headerProblem);
            }
        }
        await using var csvReader = csv;
        var rows = format switch
        {
            "csv" => csv!.ReadAsync(ct),
            "json" => JsonImportReader.ReadArrayAsync(body, json, ct),
            _ => JsonImportReader.ReadLinesAsync(body, json, ct),
        };

        var report = new ImportReport
        {
            Id = Guid.CreateVersion7(started), Actor = AuditTrail.Actor(http.User), Format = format, Mode = mode, DryRun = dryRun, Atomic = atomic,
            Status = ImportStatus.Committed, StartedAt = started, IdempotencyKey = idempotencyKey,
        };
        var log = loggers.CreateLogger(typeof(ImportEndpoints).FullName!);
        var progressEvery = options.Value.ProgressEvery;
        var errors = new List<ImportError>();
        var firstRowOfSlug = new Dictionary<string, int>(StringComparer.Ordinal);

        // The set-based merge of a large file runs far past EF's 30 s default (50,000 rows take about that on 2 cores).
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(options.Value.CommandTimeoutSeconds));
        // One transaction for the whole import: a crash or a dropped connection anywhere leaves the store as it was.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var staging = await ImportStaging.BeginAsync(db, ct);
        await foreach (var row in rows)
        {
            report.Received++;
            var rowErrors = new List<ImportError>(row.Errors);
            if (row.Request is { } request)
            {
                // The case API's own validator: one source of truth. Its reference codes are cached, so no query per row.
                var result = await validator.ValidateAsync(request, ct);
                rowErrors.AddRange(result.Errors.Select(e => new ImportError(row.Number, row.Slug, e.PropertyName, e.ErrorMessage)));
            }
            if (row.Slug is { } slug && !firstRowOfSlug.TryAdd(slug, row.Number))
            {
                rowErrors.Add(new ImportError(row.Number, slug, "slug", $"The slug '{slug}' is already used by row {firstRowOfSlug[slug]} of this file."));
            }

            if (rowErrors.Count == 0) await staging.WriteAsync(row.Number, row.Request!.ToNewCase(started), ct);
            else
            {
                report.Rejected++;
                errors.AddRange(rowErrors.Take(ImportOptions.MaxListedErrors - errors.Count));
            }
            if (report.Received % progressEvery == 0)
            {
                log.LogInformation("Import {ImportId}: {Received} records read, {Rejected} rejected so far", report.Id, report.Received, report.Rejected);
            }
        }
        await staging.CompleteAsync(ct);

        if (mode == ImportModes.Insert && await staging.ExistingAsync(ImportOptions.MaxListedErrors, ct) is { Count: > 0 } existing)
        {
            report.Rejected += existing.Count;
            errors.AddRange(existing.First.Select(e =>
                new ImportError(e.Row, e.Slug, "slug", $"A case with the slug '{e.Slug}' already exists; mode=insert never overwrites (use mode=upsert).")));
            await staging.RemoveExistingAsync(ct);
        }

        report.Status = dryRun ? ImportStatus.DryRun : atomic && report.Rejected > 0 ? ImportStatus.Rejected : ImportStatus.Committed;
        if (report.Status != ImportStatus.Rejected)
        {
            (report.Created, report.Updated, report.Unchanged) = await staging.CountAsync(ct);
        }
        if (report.Status == ImportStatus.Committed)
        {
            await staging.MergeAsync(report.Id, report.Actor, http.TraceIdentifier, started, ct);
        }
        else
        {
            await transaction.RollbackAsync(ct);
        }

        if (idempotencyKey is not null)
        {
            await body.CopyToAsync(Stream.Null, ct);
            report.BodyHash = RequestHash(fingerprint, sha);
        }
        report.Errors = JsonSerializer.SerializeToDocument(errors.OrderBy(e => e.Row).Take(ImportOptions.MaxListedErrors), JsonSerializerOptions.Web);
        report.DurationMs = (long)time.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        db.Imports.Add(report);
        if (report.Status == ImportStatus.Committed)
        {
            var counts = new { report.Received, report.Created, report.Updated, report.Unchanged, report.Rejected };
            var audit = AuditTrail.Event(http, "import", "import", report.Id.ToString(), JsonSerializer.SerializeToNode(counts, JsonSerializerOptions.Web), started);
            audit.ImportId = report.Id;
            db.AuditEvents.Add(audit);
        }
        // A committed import's report commits with its rows; a dry run's or a rejection's is saved on its own.
        await db.SaveChangesAsync(ct);
        if (report.Status == ImportStatus.Committed) await transaction.CommitAsync(ct);

        log.LogInformation("Import {ImportId} {Status}: {Received} received, {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected in {DurationMs} ms",
            report.Id, report.Status, report.Received, report.Created, report.Updated, report.Unchanged, report.Rejected, report.DurationMs);
        return Reply(ImportResponse.From(report));
    }

    /// <summary>List import reports, newest first.</summary>
    private static async Task<Results<Ok<PagedResponse<ImportResponse>>, ProblemHttpResult>> ListImports(
        CaseDbContext db, HttpContext http, CancellationToken ct, int limit = 50, string? cursor = null, string count = "exact")
    {
        limit = Math.Clamp(limit, 1, 1000);
        var query = db.Imports.AsNoTracking();
        if (cursor is not null)
        {
            if (!TryReadCursor(cursor, out var startedAt, out var id))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid cursor.", detail: "Pass the nextCursor of a previous page unchanged.");
            }
            query = query.Where(i => i.StartedAt < startedAt || (i.StartedAt == startedAt && i.Id.CompareTo(id) < 0));
        }
        var page = await query.OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Id).Take(limit + 1).ToListAsync(ct);
        long? total = count == "none" ? null : await db.Imports.LongCountAsync(ct);

        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            next = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{page[^1].StartedAt.UtcTicks}_{page[^1].Id:N}")));
            http.Response.Headers.Link = $"</api/v1/imports?limit={limit}&cursor={next}&count={count}>; rel=\"next\"";
        }
        return TypedResults.Ok(new PagedResponse<ImportResponse>(page.ConvertAll(ImportResponse.From), total, next));
    }

    /// <summary>Get one import report.</summary>
    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> GetImport(Guid id, CaseDbContext db, CancellationToken ct) =>
        await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } report
            ? TypedResults.Ok(ImportResponse.From(report))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Import not found.", detail: $"No import has the id '{id}'.");

    private static Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult> Reply(ImportResponse response) =>
        response.Status == ImportStatus.Rejected ? TypedResults.UnprocessableEntity(response) : TypedResults.Ok(response);

    /// <summary>The body's hash together with the options: the same file under other options is a different request.</summary>
    private static byte[] RequestHash(string fingerprint, SHA256 body) => SHA256.HashData([.. Encoding.UTF8.GetBytes(fingerprint), .. body.Hash!]);

    private static bool TryReadCursor(string cursor, out DateTimeOffset startedAt, out Guid id)
    {
        startedAt = default;
        id = default;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('_');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || !Guid.TryParseExact(parts[1], "N", out id)) return false;
            startedAt = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
