using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
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

        // One handler, two operations: generators make one call per operation and cannot mix a JSON model, raw files and a
        // form in one (Kiota types only the first structured body; NSwag sends every body as JSON then). /file takes the
        // file as the body, for clients that upload files; /imports takes anything the handler reads.
        Upload(imports.MapPost("/", CreateImport).WithName(nameof(CreateImport)), options, RecordsFormsAndFiles)
            .Reviewed(ReviewRule.Refused, ReviewReasons.Bulk);
        Upload(imports.MapPost("/file", CreateImport).WithName(CreateImportFromFile), options, Files)
            .Reviewed(ReviewRule.Refused, ReviewReasons.Bulk)
            .WithSummary("Import cases from a CSV, NDJSON or .xlsx file sent as the body.");
        imports.MapGet("/", ListImports).WithName(nameof(ListImports)).ReadsStore<ImportListQuery>(StoreRead.Current);
        imports.MapGet("/{id:guid}", GetImport).WithName(nameof(GetImport)).ReadsStore(StoreRead.Current)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private const string CreateImportFromFile = nameof(CreateImportFromFile);

    private static RouteHandlerBuilder Upload(RouteHandlerBuilder upload, ImportOptions options, Func<OpenApiDocument, OpenApiRequestBody> body) =>
        upload.RequireRateLimiting(RateLimitPolicies.Bulk).WithQuery<ImportQuery>()
            // Declared for the document only: Accepts() would make routing answer 415 itself, with a detail about JSON.
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                operation.RequestBody = body(context.Document!);
                return Task.CompletedTask;
            })
            // Bulk files are far larger than ordinary bodies: the imports alone get the (configurable) import limit.
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxBodyBytes))
            .Produces<ImportResponse>(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

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
            refusal => ImportProblem.Of(refusal));
    }

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

    /// <summary>
    /// POST /imports: a JSON array of records first (the body generators type), then the raw files and the form. Each media
    /// type has its own schema: the JSON records are case requests in which only the slug is required (an upsert names the
    /// fields it changes), the files binary strings, the form one binary part.
    /// </summary>
    private static OpenApiRequestBody RecordsFormsAndFiles(OpenApiDocument document)
    {
        var records = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = PartialSchemas.Reference(document, "CaseImportRecord", "CaseRequest", ["slug"],
                    "A case as an import record: the members of a case request, of which only slug is required; an upsert changes only the "
                    + "members the record names."),
            },
            Example = RequestExamples.ImportBody("application/json"),
        };
        var content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = records };
        foreach (var (mediaType, media) in Files(document).Content!) content[mediaType] = media;
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
            Description = "The cases: a JSON array of cases, CSV with a header row of case field names, NDJSON (one case a line), an .xlsx "
                + "workbook whose first sheet has the CSV's header row, or a form with one such file.",
            Content = content,
        };
    }

    /// <summary>POST /imports/file: the file itself as the body, each media type a binary string that generated clients stream.</summary>
    private static OpenApiRequestBody Files(OpenApiDocument document) => new()
    {
        Required = true,
        Description = "The file: CSV with a header row of case field names, NDJSON (one case a line), or an .xlsx workbook whose first "
            + "sheet has the CSV's header row; its Content-Type says which.",
        Content = ImportUpload.Formats.Where(f => f.Format != "json").ToDictionary(f => f.MediaType, f => new OpenApiMediaType
        {
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
            Example = f.Format == "xlsx" ? null : RequestExamples.ImportBody(f.MediaType),
        }),
    };
}
