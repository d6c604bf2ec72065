using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CaseApi.Infrastructure.Errors;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Every entity tag the service sends, and the conditional-request rules of RFC 9110 in one place: If-None-Match is
/// compared weakly (§13.1.2), If-Match strongly (§13.1.1). The tags themselves are strong: a row's version, a history
/// position ("p…", never equal to a row version, so a tag of the past never passes an If-Match on the present), or the
/// store version plus a hash of the question for reads over the whole store.
/// </summary>
public static class ETags
{
    /// <summary>A row's tag: its version (xmin).</summary>
    public static string For(uint version) => $"\"{version}\"";

    /// <summary>The tag of anything read as of a history position: it never changes.</summary>
    public static string ForPosition(long position) => $"\"p{position}\"";

    /// <summary>
    /// The tag of a read over the whole store: the store version (or the position it reads as of) and a hash of the
    /// normalised request, so the same question of the same state has the same tag. Read before the handler reads its
    /// data, the version vouches only for data at least as new: at worst a later poll gets a 200 with the same body.
    /// </summary>
    public static string ForStore(StoreSnapshot snapshot, HttpRequest request)
    {
        var version = snapshot.View.Position is { } position ? $"p{position}" : $"{snapshot.Version}";
        return $"\"{version}-{RequestHash(request)}\"";
    }

    /// <summary>
    /// The tag of an answer fixed by its question and the state it names (the change feed's next cursor): the same question
    /// answered up to the same state has the same tag, so a poll that finds nothing new is a 304.
    /// </summary>
    public static string ForAnswer(HttpRequest request, string state) => $"\"a-{Hash(RequestText(request) + "\n" + state)}\"";

    /// <summary>
    /// Checks If-Match on a write: missing is 428, malformed 400, stale 412 (with the current ETag, so that recovering
    /// costs no GET), a match (or *) null.
    /// </summary>
    public static ProblemHttpResult? CheckIfMatch(HttpRequest request, uint currentVersion)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header.ToString()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required.",
                detail: "Send the ETag from a GET of this resource in an If-Match header, so that concurrent edits are never lost.");
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return ProblemResults.Of(ProblemCodes.MalformedIfMatch, "Malformed If-Match header.",
                "If-Match must hold quoted entity tags, e.g. If-Match: \"12345\".");
        }
        var current = new EntityTagHeaderValue(For(currentVersion));
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: true))
            ? null
            : PreconditionFailed(request.HttpContext.Response, currentVersion);
    }

    /// <summary>A 412 that carries the current ETag: the client reapplies its change to the current version without a GET.</summary>
    public static ProblemHttpResult PreconditionFailed(HttpResponse response, uint currentVersion)
    {
        response.Headers.ETag = For(currentVersion);
        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The resource has changed.",
            detail: "If-Match does not match the current ETag: someone else changed it. The ETag header of this answer is the current one: "
                + "reapply your change to the current version and send it with that tag.");
    }

    /// <summary>
    /// An endpoint filter of every API route: a write that lost the race between its If-Match check and its UPDATE
    /// (DbUpdateConcurrencyException) gets the 412 a stale If-Match gets, with the row's current ETag. Answered here
    /// because the exception handler's answer drops ETag (ExceptionHandlerMiddleware clears cache headers); a row that
    /// is gone leaves the exception to it (a 412 without a tag).
    /// </summary>
    public static async ValueTask<object?> LostRaceAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DbUpdateConcurrencyException lost)
        {
            // The failed batch may hold other rows too (the audit event written with the change): the versioned one is the resource.
            var entry = lost.Entries.FirstOrDefault(e => e.Metadata.FindProperty("Version") is not null);
            var current = entry is null ? null : await entry.GetDatabaseValuesAsync(context.HttpContext.RequestAborted);
            if (current?[entry!.Metadata.FindProperty("Version")!] is not uint version) throw;
            return PreconditionFailed(context.HttpContext.Response, version);
        }
    }

    /// <summary>True when If-None-Match names the given (quoted) tag, or is *: a GET can answer 304.</summary>
    public static bool IsNotModified(HttpRequest request, string tag) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(tag), useStrongComparison: false));

    /// <summary>The path, the query parameters in a fixed order, and what the client accepts: the same question, the same hash.</summary>
    private static string RequestHash(HttpRequest request) => Hash(RequestText(request));

    private static string Hash(string text) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));

    private static string RequestText(HttpRequest request)
    {
        var text = new StringBuilder(request.Path.Value?.ToLowerInvariant());
        foreach (var (key, values) in request.Query.OrderBy(p => p.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            foreach (var value in values) text.Append('\n').Append(key.ToLowerInvariant()).Append('=').Append(value);
        }
        text.Append('\n').Append(request.Headers.Accept.ToString());
        return text.ToString();
    }
}
