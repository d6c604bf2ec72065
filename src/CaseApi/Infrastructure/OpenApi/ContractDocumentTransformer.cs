using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>Document-wide parts of the contract: what the API is, how to authenticate, what each tag groups.</summary>
internal sealed class ContractDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";

    /// <summary>The server URL's example: where scripts/run.sh serves.</summary>
    public const string ExampleOrigin = "http://127.0.0.1:5080";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Cases"] = "Documented cases: read, filter, page, export and (editors) write them.",
        ["Statistics"] = "Group-by statistics, headline findings, policy alignment and coverage estimates, computed in PostgreSQL.",
        ["Reference data"] = "Code lists and the reference tables (sectors, sponsors, policy documents, source lists).",
        ["Imports"] = "Bulk CSV, JSON and NDJSON imports with dry runs and per-row error reports (admins).",
        ["Audit"] = "The append-only audit trail (admins).",
        ["API keys"] = "API keys and their roles (admins).",
        ["History"] = "The change feed: every committed change to cases, reference data and the policy mapping, in commit order.",
        ["Releases"] = "Named, permanent history positions to cite: release=<name> reads the store as it was then.",
        ["List entries"] = "A published list's entries, their candidate cases with each feature's weight, and the review that links them (editors).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CaseApi",
            Version = "v1",
            Description = """
                The system of record for documented cases of Chinese state-directed espionage against the United States:
                filtered and paged case lists, group-by statistics, streamed exports and bulk imports over PostgreSQL.
                Errors are RFC 9457 problem documents; single resources carry strong ETags, and writes need If-Match.
                """,
        };
        // Generators take the server as their client's base URL: one, absolute (Kiota substitutes no server variables).
        // Swagger UI sends "Try it out" to the host that serves it instead (OpenApiSetup).
        document.Servers =
        [
            new OpenApiServer
            {
                Url = ExampleOrigin,
                Description = "An example: where scripts/run.sh serves. A client sets its base URL to the service it calls "
                    + "(e.g. https://cases.example.org).",
            },
        ];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = Auth.ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key; its role (reader, editor, admin) decides what it may do.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
            Description = "A person's access token from the organisation's OpenID Connect provider (its roles: reader, reviewer, "
                + "editor, admin), or an API key sent as `Authorization: Bearer <key>`. One credential per request.",
        };
        // Either scheme is enough: two requirement objects are alternatives.
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
        ];

        ProblemContract.AddComponents(document);
        PartialSchemas.AddComponents(document);
        TolerantReader.OpenResponseSchemas(document);

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description ??= description;
        }
        return Task.CompletedTask;
    }
}
