using Microsoft.AspNetCore.Http.Extensions;

namespace CaseApi.Infrastructure.Paging;

/// <summary>
/// Turns the rows of a keyset query into a page: the query fetches <c>limit + 1</c> rows in list order; the extra row
/// only tells that another page exists. Then the page's <c>nextCursor</c> is the last row's position, and the same
/// cursor goes into an RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c> header.
/// </summary>
public static class KeysetPage
{
    public static PagedResponse<T> Create<T, TPosition>(
        List<T> rows, int limit, long? total, Func<T, TPosition> positionOf, HttpResponse response) where TPosition : class =>
        Create(rows, limit, total is { } exact ? PageTotal.Exact(exact) : PageTotal.None, positionOf, response);

    /// <inheritdoc cref="Create{T, TPosition}(List{T}, int, long?, Func{T, TPosition}, HttpResponse)"/>
    public static PagedResponse<T> Create<T, TPosition>(
        List<T> rows, int limit, PageTotal total, Func<T, TPosition> positionOf, HttpResponse response) where TPosition : class
    {
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveRange(limit, rows.Count - limit);
            next = PageCursor.Encode(positionOf(rows[^1]));
            response.Headers.Link = NextLink(response.HttpContext.Request, next);
        }
        return new PagedResponse<T>(rows, total.Value, next) { TotalIsExact = total.IsExact, TotalIsEstimate = total.IsEstimate };
    }

    /// <summary>
    /// The Link header of the next page: this request's URL (every parameter kept, escaped) with the cursor replaced.
    /// Absolute, so clients follow it as is; its origin is trustworthy by then (AllowedHosts, the configured public origin,
    /// forwarded headers only from known proxies). Without a host (a bare test context) it is a relative reference.
    /// </summary>
    public static string NextLink(HttpRequest request, string cursor)
    {
        var query = request.Query
            .Where(p => !p.Key.Equals("cursor", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
            .Append(KeyValuePair.Create("cursor", (string?)cursor));
        var target = request.Host.HasValue
            ? UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query))
            : UriHelper.BuildRelative(request.PathBase, request.Path, QueryString.Create(query));
        return $"<{target}>; rel=\"next\"";
    }
}
