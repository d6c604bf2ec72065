using System.Globalization;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Interop.Stix;
using CaseApi.Store;
using Microsoft.Extensions.Primitives;

namespace CaseApi.Interop.Taxii;

/// <summary>
/// A TAXII 2.1 server (OASIS, read only) under /taxii2/: discovery, one API root, and the collections — every case (the live
/// store) and one per release (the store as the release names it, so it never changes) — with their objects, manifest, an object
/// by id and its versions. OpenCTI and MISP poll such a collection on a schedule (docs/guides/stix.md).
/// </summary>
/// <remarks>
/// TAXII is its own protocol with its own specification, media type and error message, so these routes step outside two rules
/// of the rest of the API on purpose, and only here: errors are TAXII error messages (<see cref="TaxiiResult.Error"/>), not
/// RFC 9457 problems, because a TAXII client reads those; and the routes are left out of the OpenAPI document
/// (ExcludeFromDescription), which describes the CaseApi contract and whose generated clients, lint and mock sweep have no use
/// for a protocol whose contract is the OASIS specification. Authentication, roles and rate limits are the API's: a reader's
/// key, and the bulk budget for reads of collection content; the 401 and 403 the authentication layer answers before a route
/// runs stay the API's problems. The reads go to the primary's bulk pool (ReadOnlyCaseDbContext), not through ReadsStore: its
/// query checks answer RFC 9457 problems, and a collection names its own read point (the live store or a release).
/// </remarks>
internal static class TaxiiEndpoints
{
    public const string MediaType = "application/taxii+json;version=2.1";

    /// <summary>The largest page; a request may ask for fewer with limit.</summary>
    public const int MaxLimit = 1000;

    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapTaxiiEndpoints(this IEndpointRouteBuilder app)
    {
        var taxii = app.MapGroup("/taxii2").WithTags("TAXII").ExcludeFromDescription().RequireAuthorization(Policies.Reader)
            .AddEndpointFilter(RefuseUnacceptable);
        taxii.MapGet("/", GetDiscovery).WithName(nameof(GetDiscovery));
        var root = taxii.MapGroup("/api");
        root.MapGet("/", GetApiRoot).WithName(nameof(GetApiRoot));
        root.MapGet("/collections/", ListCollections).WithName(nameof(ListCollections));
        var collection = root.MapGroup("/collections/{collectionId:guid}");
        collection.MapGet("/", GetCollection).WithName(nameof(GetCollection));
        var content = collection.MapGroup("/").RequireRateLimiting(RateLimitPolicies.Bulk);
        content.MapGet("/objects/", GetObjects).WithName(nameof(GetObjects));
        content.MapGet("/manifest/", GetManifest).WithName(nameof(GetManifest));
        content.MapGet("/objects/{objectId}/", GetObject).WithName(nameof(GetObject));
        content.MapGet("/objects/{objectId}/versions/", GetVersions).WithName(nameof(GetVersions));
        return app;
    }

    /// <summary>Discovery (TAXII 2.1 §4.1): the one API root.</summary>
    private static TaxiiResult GetDiscovery(HttpContext http) => TaxiiResult.Ok(new JsonObject
    {
        ["title"] = "CaseApi TAXII 2.1",
        ["description"] = "Chinese state-directed espionage cases as STIX 2.1: every case, and each named release.",
        ["default"] = ApiRootUrl(http),
        ["api_roots"] = new JsonArray(ApiRootUrl(http)),
    });

    /// <summary>The API root (§4.2). Nothing may be written, so no request body is accepted (max_content_length 0).</summary>
    private static TaxiiResult GetApiRoot() => TaxiiResult.Ok(new JsonObject
    {
        ["title"] = "CaseApi",
        ["description"] = "Read-only collections of the case store.",
        ["versions"] = new JsonArray(MediaType),
        ["max_content_length"] = 0,
    });

    /// <summary>The collections (§5.1): all cases, then one per release, oldest first.</summary>
    private static async Task<TaxiiResult> ListCollections(ReadOnlyCaseDbContext db, CancellationToken ct) =>
        TaxiiResult.Ok(new JsonObject { ["collections"] = new JsonArray([.. (await TaxiiCollections.AllAsync(db, ct)).Select(Describe)]) });

    /// <summary>One collection (§5.2).</summary>
    private static async Task<TaxiiResult> GetCollection(Guid collectionId, ReadOnlyCaseDbContext db, CancellationToken ct) =>
        await TaxiiCollections.FindAsync(db, collectionId, ct) is { } found ? TaxiiResult.Ok(Describe(found)) : CollectionNotFound(collectionId);

    /// <summary>The objects of a collection (§5.4) in the order it added them, in an envelope.</summary>
    private static async Task<TaxiiResult> GetObjects(Guid collectionId, ReadOnlyCaseDbContext db, HttpContext http, CancellationToken ct)
    {
        var (collection, filter, refusal) = await ResolveAsync(db, collectionId, http.Request.Query, null, ct);
        if (refusal is not null) return refusal;
        var page = await TaxiiLog.PageAsync(db, collection!, filter!, ct);
        return TaxiiResult.Envelope(page, "objects", o => JsonNode.Parse(o.Json)!);
    }

    /// <summary>The manifest of a collection (§5.3): which object versions it holds and when it added them.</summary>
    private static async Task<TaxiiResult> GetManifest(Guid collectionId, ReadOnlyCaseDbContext db, HttpContext http, CancellationToken ct)
    {
        var (collection, filter, refusal) = await ResolveAsync(db, collectionId, http.Request.Query, null, ct);
        if (refusal is not null) return refusal;
        var page = await TaxiiLog.PageAsync(db, collection!, filter!, ct);
        return TaxiiResult.Envelope(page, "objects", o => new JsonObject
        {
            ["id"] = o.Id,
            ["date_added"] = TaxiiLog.Timestamp(o.DateAdded),
            ["version"] = o.Modified,
            ["media_type"] = StixExport.MediaType,
        });
    }

    /// <summary>One object (§5.5): its last version, or those match[version] names, in an envelope; 404 when the collection has none.</summary>
    private static async Task<TaxiiResult> GetObject(
        Guid collectionId, string objectId, ReadOnlyCaseDbContext db, HttpContext http, CancellationToken ct)
    {
        var (collection, filter, refusal) = await ResolveAsync(db, collectionId, http.Request.Query, objectId, ct);
        if (refusal is not null) return refusal;
        var page = await TaxiiLog.PageAsync(db, collection!, filter!, ct);
        if (page.Objects.Count == 0 && !await ExistsAsync(db, collection!, filter!, ct)) return ObjectNotFound(objectId, collection!);
        return TaxiiResult.Envelope(page, "objects", o => JsonNode.Parse(o.Json)!);
    }

    /// <summary>The versions of one object (§5.7): each <c>modified</c> once, in the order the collection added them.</summary>
    private static async Task<TaxiiResult> GetVersions(
        Guid collectionId, string objectId, ReadOnlyCaseDbContext db, HttpContext http, CancellationToken ct)
    {
        var (collection, filter, refusal) = await ResolveAsync(db, collectionId, http.Request.Query, objectId, ct);
        if (refusal is not null) return refusal;
        var page = await TaxiiLog.PageAsync(db, collection!, filter! with { Versions = TaxiiVersions.Every }, ct);
        if (page.Objects.Count == 0 && !await ExistsAsync(db, collection!, filter!, ct)) return ObjectNotFound(objectId, collection!);
        return TaxiiResult.Envelope(page, "versions", o => o.Modified);
    }

    private static async Task<bool> ExistsAsync(ReadOnlyCaseDbContext db, TaxiiCollection collection, TaxiiFilter filter, CancellationToken ct) =>
        (await TaxiiLog.PageAsync(
            db, collection, filter with { AddedAfter = null, Versions = TaxiiVersions.Every, Limit = 1, After = TaxiiPosition.Start }, ct))
            .Objects.Count > 0;

    /// <summary>The collection and the filters of the query string (§3.4), or the TAXII error that refuses them.</summary>
    private static async Task<(TaxiiCollection?, TaxiiFilter?, TaxiiResult?)> ResolveAsync(
        ReadOnlyCaseDbContext db, Guid collectionId, IQueryCollection query, string? objectId, CancellationToken ct)
    {
        if (await TaxiiCollections.FindAsync(db, collectionId, ct) is not { } collection) return (null, null, CollectionNotFound(collectionId));

        var limit = DefaultLimit;
        if (query["limit"] is [var limitText] && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return Invalid("limit", $"'{limitText}' is not a positive whole number.");
        }
        DateTimeOffset? addedAfter = null;
        if (query["added_after"] is [var afterText])
        {
            if (!TryParseTimestamp(afterText, out var at)) return Invalid("added_after", $"'{afterText}' is not an RFC 3339 timestamp in UTC.");
            addedAfter = at;
        }
        TaxiiPosition? after = null;
        if (query["next"] is [var next] && !PageCursor.TryDecode(next, out after))
        {
            return Invalid("next", "next is the value of a previous envelope's next, unchanged.");
        }
        var versions = TaxiiVersions.Latest;
        if (List(query["match[version]"]) is { } wanted)
        {
            var times = new HashSet<DateTimeOffset>();
            foreach (var value in wanted.Where(v => v is not ("all" or "first" or "last")))
            {
                if (!TryParseTimestamp(value, out var at)) return Invalid("match[version]", $"'{value}' is not last, first, all or a timestamp.");
                times.Add(at);
            }
            versions = new TaxiiVersions(wanted.Contains("all"), wanted.Contains("first"), wanted.Contains("last"), times);
        }
        if (List(query["match[spec_version]"]) is { } specVersions && !specVersions.Contains("2.1"))
        {
            // Every object is STIX 2.1: a filter for another version matches nothing.
            versions = new TaxiiVersions(false, false, false, new HashSet<DateTimeOffset>());
        }
        var ids = objectId is null ? List(query["match[id]"]) : [objectId];
        var filter = new TaxiiFilter(addedAfter, ids, List(query["match[type]"]), versions, Math.Min(limit, MaxLimit), after ?? TaxiiPosition.Start);
        return (collection, filter, null);

        (TaxiiCollection?, TaxiiFilter?, TaxiiResult?) Invalid(string parameter, string description) =>
            (null, null, TaxiiResult.Error(StatusCodes.Status400BadRequest, $"The {parameter} parameter is not valid.", description));
    }

    /// <summary>A filter's values: comma-separated, and the parameter may repeat.</summary>
    private static HashSet<string>? List(StringValues values) => values.Count == 0
        ? null
        : values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);

    private static bool TryParseTimestamp(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at)
        && text!.EndsWith('Z');

    private static JsonObject Describe(TaxiiCollection c) => new()
    {
        ["id"] = c.Id.ToString("D"),
        ["title"] = c.Title,
        ["description"] = c.Description,
        ["alias"] = c.Alias,
        ["can_read"] = true,
        ["can_write"] = false,
        ["media_types"] = new JsonArray(StixExport.MediaType),
    };

    private static string ApiRootUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/taxii2/api/";

    private static TaxiiResult CollectionNotFound(Guid id) => TaxiiResult.Error(StatusCodes.Status404NotFound, "Collection not found.",
        $"No collection has the id {id:D}; GET the API root's collections/ for the ones there are.");

    private static TaxiiResult ObjectNotFound(string id, TaxiiCollection collection) => TaxiiResult.Error(StatusCodes.Status404NotFound,
        "Object not found.", $"The collection '{collection.Alias}' holds no object {id}.");

    /// <summary>
    /// TAXII 2.1 §1.6.8: a client names the TAXII media type in Accept; any other (except a wildcard, or no Accept at all) is 406,
    /// before the route reads anything. Not ContentNegotiation.Choose: ASP.NET Core's media-type matching lets application/json
    /// cover application/taxii+json (the +json suffix), which TAXII answers 406.
    /// </summary>
    private static async ValueTask<object?> RefuseUnacceptable(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        var acceptable = accept.Count == 0 || accept.Any(a => a.Quality != 0 && (
            a.MediaType.Equals("*/*", StringComparison.Ordinal) || a.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase)
            || (a.MediaType.Equals("application/taxii+json", StringComparison.OrdinalIgnoreCase)
                && a.Parameters.All(p => !p.Name.Equals("version", StringComparison.OrdinalIgnoreCase) || p.Value == "2.1"))));
        return acceptable ? await next(context) : TaxiiResult.Error(StatusCodes.Status406NotAcceptable, "Not acceptable.",
            $"This server answers {MediaType}; send it in Accept.");
    }
}
