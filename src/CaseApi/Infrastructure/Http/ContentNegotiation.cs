using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Which representation a read answers with, for endpoints that offer several (the export, the statistics): a
/// <c>format=</c> parameter wins; otherwise the Accept header (RFC 9110 §12.5.1) chooses, by quality and then by the
/// endpoint's order; no Accept, or one that accepts anything, gets the default; an Accept that names none of the
/// offered media types is a 406. The store-wide ETag hashes Accept and the response says <c>Vary: Accept</c>.
/// </summary>
public static class ContentNegotiation
{
    /// <summary>The offered format the request asks for (the first offer is the default), or null for a 406.</summary>
    public static string? Choose(HttpRequest request, string? format, IReadOnlyList<(string Format, string MediaType)> offers)
    {
        if (format is not null) return format.ToLowerInvariant();
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted) || accepted.Count == 0) return offers[0].Format;
        foreach (var range in accepted.Where(a => (a.Quality ?? 1) > 0).OrderByDescending(a => a.Quality ?? 1))
        {
            foreach (var (name, mediaType) in offers)
            {
                if (MediaTypeHeaderValue.Parse(mediaType).IsSubsetOf(range)) return name;
            }
        }
        return null;
    }

    /// <summary>
    /// The 406 of an Accept that names no offered media type, sent as application/problem+json all the same (RFC 9110 §15.5.7
    /// allows it), as every problem is (ProblemJsonFallbackWriter).
    /// </summary>
    public static ProblemHttpResult NotAcceptable(IEnumerable<(string Format, string MediaType)> offers) =>
        TypedResults.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "No offered representation is acceptable.",
            detail: $"Accept one of {string.Join(", ", offers.Select(o => o.MediaType))} (or */*), or choose with format= "
                + $"({string.Join(", ", offers.Select(o => o.Format))}).");
}
