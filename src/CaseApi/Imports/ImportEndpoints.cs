using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using RequestSizeLimitAttribute = Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute;

namespace CaseApi.Imports;

internal static class ImportEndpoints
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ImportRowValidator>();
        services.AddScoped<ImportPipeline>();
        return services;
    }

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value;
        var imports = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Policies.Admin);

        imports.MapPost("/", CreateImport).WithName(nameof(CreateImport)).RequireRateLimiting(RateLimitPolicies.Bulk).WithQuery<ImportQuery>()
            // Declared for the document only: Accepts() would make routing answer 415 itself, with a detail about JSON.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = RequestBody();
                return Task.CompletedTask;
            })
            // Bulk files are far larger than ordinary bodies: this endpoint alone gets the (configurable) import limit.
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxBodyBytes))
            .Produces<ImportResponse>(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        imports.MapGet("/", ListImports).WithName(nameof(ListImports)).ReadsStore<ImportListQuery>(StoreRead.Current);
        imports.MapGet("/{id:guid}", GetImport).WithName(nameof(GetImport)).ReadsStore(StoreRead.Current)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Import cases from a CSV, JSON, NDJSON or .xlsx file, sent as the body or as the one file of a form.</summary>
    /// <remarks>
    /// mode=upsert (default, keyed on slug) changes only the fields the file names; insert only creates; replace
    /// replaces each named case whole. dryRun=true reports what a commit would do, with a field-level diff, and writes
    /// nothing; atomic=true (default) rejects the whole file with 422 when any record is bad, atomic=false writes the
    /// good records. A retry with the same Idempotency-Key and body returns the first report without importing again.
    /// </remarks>
    private static async Task<Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult>> CreateImport(
        [AsParameters] ImportQuery query, ImportPipeline pipeline, HttpContext http, CancellationToken ct)
    {
        var submission = new ImportSubmission(query, http.Request.ContentType, http.Request.Body, AuditTrail.Actor(http.User), http.TraceIdentifier);
        var outcome = await pipeline.RunAsync(submission, ct);
        return outcome.Match<Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult>>(
            report => report.Status == ImportStatus.Rejected ? TypedResults.UnprocessableEntity(report) : TypedResults.Ok(report),
            refusal => TypedResults.Problem(statusCode: StatusCode(refusal.Reason), title: refusal.Title, detail: refusal.Detail));
    }

    private static int StatusCode(ImportRefusalReason reason) => reason switch
    {
        ImportRefusalReason.NotAnImportFormat => StatusCodes.Status415UnsupportedMediaType,
        ImportRefusalReason.IdempotencyKeyReused => StatusCodes.Status409Conflict,
        ImportRefusalReason.LimitExceeded => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>List import reports, newest first.</summary>
    private static async Task<Ok<PagedResponse<ImportResponse>>> ListImports(
        [AsParameters] ImportListQuery query, StoreSnapshot snapshot, HttpContext http, CancellationToken ct)
    {
        var reports = snapshot.Db.Imports.AsNoTracking();
        long? total = query.CountTotal ? await reports.LongCountAsync(ct) : null;
        if (PageCursor.TryDecode<ImportPosition>(query.Cursor, out var after))
        {
            reports = reports.Where(i => i.StartedAt < after.StartedAt || (i.StartedAt == after.StartedAt && i.Id.CompareTo(after.Id) < 0));
        }
        var rows = await reports.OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Id).Take(query.PageSize + 1).ToListAsync(ct);
        return TypedResults.Ok(KeysetPage.Create(rows.ConvertAll(ImportResponse.From), query.PageSize, total,
            i => new ImportPosition(i.StartedAt, i.Id), http.Response));
    }

    /// <summary>Get one import report.</summary>
    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> GetImport(Guid id, StoreSnapshot snapshot, CancellationToken ct) =>
        await snapshot.Db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } report
            ? TypedResults.Ok(ImportResponse.From(report))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Import not found.", detail: $"No import has the id '{id}'.");

    private static OpenApiRequestBody RequestBody()
    {
        var content = ImportUpload.Formats.ToDictionary(f => f.MediaType, f => f.Format == "xlsx"
            ? new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }
            : new OpenApiMediaType { Example = RequestExamples.ImportBody(f.MediaType) });
        content["multipart/form-data"] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "file" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["file"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String, Format = "binary",
                        Description = "The file; its format from the part's media type, else from its name (.csv, .json, .ndjson, .jsonl, .xlsx).",
                    },
                },
            },
        };
        return new OpenApiRequestBody
        {
            Required = true,
            Description = "The cases: CSV with a header row of case field names, a JSON array of cases, NDJSON (one case a line), an .xlsx "
                + "workbook whose first sheet has the CSV's header row, or a form with one such file.",
            Content = content,
        };
    }
}
