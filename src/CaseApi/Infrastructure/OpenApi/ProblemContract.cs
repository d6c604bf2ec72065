using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// The error side of the contract as the wire has it: the RFC 9457 problem every error carries (with the
/// <c>code</c> and <c>traceId</c> members the service adds, and <c>errors</c> where fields are at fault) and the
/// response headers the service sends. One schema for every error: generators cannot tell the members of a oneOf
/// without a discriminator apart (Kiota then types no 400 at all). Published open to new members, like every response
/// (TolerantReader); CI's validating proxy checks answers against a strict copy, so an undeclared member still fails it.
/// </summary>
internal static class ProblemContract
{
    public const string ProblemSchema = "Problem";
    public const string MediaType = "application/problem+json";

    public const string RequestIdHeader = Http.RequestIds.HeaderName;
    public const string RetryAfterHeader = "Retry-After";
    public const string ETagHeader = "ETag";
    public const string VaryHeader = "Vary";
    public const string RateLimitHeader = Http.RateLimiting.Header;
    public const string RateLimitPolicyHeader = Http.RateLimiting.PolicyHeader;
    public const string LocationHeader = "Location";
    public const string LinkHeader = "Link";
    public const string ContentDispositionHeader = "Content-Disposition";
    public const string WwwAuthenticateHeader = "WWW-Authenticate";
    public const string ConsistencyTokenHeader = Store.ConsistentReads.HeaderName;
    public const string FeedPositionHeader = Http.StoreReads.FeedPositionHeader;

    // What ASP.NET Core's own generator would publish for its problem types (no traceId, no extensions allowed).
    private static readonly string[] FrameworkSchemas = ["ProblemDetails", "HttpValidationProblemDetails"];

    /// <summary>The problem schemas and the shared response headers, in place of the framework's problem schemas.</summary>
    public static void AddComponents(OpenApiDocument document)
    {
        var components = document.Components ??= new OpenApiComponents();
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var name in FrameworkSchemas) components.Schemas.Remove(name);
        components.Schemas[ProblemSchema] = Problem();

        components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        components.Headers[RequestIdHeader] = Header(required: true,
            "The request's id (the caller's own X-Request-Id when it sent a short safe one); a problem's traceId is the same value.");
        components.Headers[RetryAfterHeader] = Header(required: true, "Seconds to wait before retrying.", JsonSchemaType.Integer);
        components.Headers[ETagHeader] = Header(required: true, "The strong entity tag of this version; send it as If-Match to change it.");
        components.Headers[CurrentETag] = Header(required: false,
            "The current entity tag of the resource: reapply the change to the current version and send it with this tag as If-Match, "
            + "without a GET. Absent only when the resource no longer exists.");
        components.Headers[VaryHeader] = Header(required: true,
            "Accept: the body and the ETag depend on the Accept header, so a cache keeps one answer per Accept value.");
        components.Headers[RateLimitPolicyHeader] = Header(required: true,
            "The request budgets that govern this operation (draft-ietf-httpapi-ratelimit-headers): each a policy name with its quota q and "
            + "window w in seconds, e.g. \"default\";q=6000;w=60, \"bulk\";q=600;w=60 (bulk operations spend both).");
        components.Headers[RateLimitHeader] = Header(required: false,
            "What is left of each budget in RateLimit-Policy for this API key (or address): r requests remain, and the window resets in t "
            + "seconds, e.g. \"default\";r=5998;t=42. Slow down as r nears 0; after a 429, Retry-After takes precedence.");
        components.Headers[FeedPositionHeader] = Header(required: false,
            "The change-feed position the answer reflects (at least): pass it as after to GET /changes to follow on from this answer. "
            + "Sent by every list, export and statistic of cases, and by every read as of a position or release.", JsonSchemaType.Integer);
        components.Headers[LocationHeader] = Header(required: true, "The path of the created resource.");
        components.Headers[LinkHeader] = Header(required: false, "The next page as an RFC 8288 link (rel=\"next\"); absent on the last page.");
        components.Headers[ContentDispositionHeader] = Header(required: true,
            "attachment, with a file name that carries the date and the format's extension.");
        components.Headers[WwwAuthenticateHeader] = Header(required: true, "The Bearer challenge.");
        components.Headers[ConsistencyTokenHeader] = Header(required: false,
            "Where reads may be served by a standby: a WAL position at or after this write's commit. Send it with the next read "
            + "(the X-Consistency-Token header or consistency= in the query) to see this write.");
    }

    /// <summary>The problem content of an error response.</summary>
    public static Dictionary<string, OpenApiMediaType> Content(OpenApiDocument document) => new()
    {
        [MediaType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
    };

    /// <summary>The component of the ETag header of a 412 (the current version, not the one sent).</summary>
    public const string CurrentETag = "CurrentETag";

    public static IOpenApiHeader HeaderReference(string name, OpenApiDocument document) => new OpenApiHeaderReference(name, document);

    private static OpenApiSchema Problem()
    {
        // No format on the URI references: type's values are absolute, instance's may be relative, and generators
        // (Kiota) warn about uri-reference and treat it as a string anyway.
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI reference that identifies the kind of problem: the section of the RFC that defines the status."),
            [Errors.ProblemCodes.Member] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Pattern = Errors.ProblemCodes.Pattern, Examples = [Errors.ProblemTypes.For(412).Code],
                Description = "A stable, machine-readable name of the problem (docs/reference/errors.md lists them): branch on it, not on the "
                    + "title. New codes may be added; a client treats an unknown code by its status.",
            },
            ["title"] = Text("A short summary of the kind of problem."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = Text("What went wrong with this request, and what to do about it."),
            ["instance"] = Text("A URI reference that identifies this occurrence."),
            ["traceId"] = Text(
                "The request's id, as in the X-Request-Id response header and the service's log lines: quote it when reporting a problem."),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Only when fields or parameters are at fault (code validation-failed, invalid-json, invalid-parameter): the "
                    + "messages per field, keyed by JSON path (sources[0].url) or query parameter name.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem document: every error response of this API is one.",
            Properties = properties, Required = new HashSet<string> { "type", Errors.ProblemCodes.Member, "title", "status", "detail", "traceId" },
            AdditionalPropertiesAllowed = false,
        };
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiHeader Header(bool required, string description, JsonSchemaType type = JsonSchemaType.String) =>
        new() { Required = required, Description = description, Schema = new OpenApiSchema { Type = type } };
}
