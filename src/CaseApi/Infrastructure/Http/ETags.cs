using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Infrastructure.Http;

/// <summary>Strong ETags from the row version, and the conditional-request rules of docs/design.md.</summary>
public static class ETags
{
    public static string For(uint version) => $"\"{version}\"";

    /// <summary>Checks If-Match on a write: missing is 428, stale is 412, a match (or *) is null.</summary>
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
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed If-Match header.",
                detail: "If-Match must hold quoted entity tags, e.g. If-Match: \"12345\".");
        }
        var current = new EntityTagHeaderValue(For(currentVersion));
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: true))
            ? null
            : PreconditionFailed();
    }

    public static ProblemHttpResult PreconditionFailed() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The resource has changed.",
            detail: "If-Match does not match the current ETag: someone else changed it. GET it again and reapply your change.");

    /// <summary>True when If-None-Match names the current version, so a GET can answer 304.</summary>
    public static bool IsNotModified(HttpRequest request, uint currentVersion) => IsNotModified(request, For(currentVersion));

    /// <summary>True when If-None-Match names the given (quoted) tag.</summary>
    public static bool IsNotModified(HttpRequest request, string tag) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(tag), useStrongComparison: false));
}
