namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// The problem type of each status this service answers with: the section of the RFC that defines the status, the
/// scheme ASP.NET Core uses for the statuses it knows, and the status's general <c>code</c> (a problem with a more
/// precise cause carries one of <see cref="ProblemCodes"/> instead). docs/reference/errors.md lists when each is sent.
/// </summary>
public static class ProblemTypes
{
    public sealed record Known(string Type, string Title, string Detail, string Code);

    private static readonly Dictionary<int, Known> ByStatus = new()
    {
        [400] = new(Rfc9110("15.5.1"), "Bad Request", "The request is not valid; see 'errors' where present.", "bad-request"),
        [401] = new(Rfc9110("15.5.2"), "Unauthorized", "Send an API key in X-Api-Key or as Authorization: Bearer <key>.", "unauthenticated"),
        [403] = new(Rfc9110("15.5.4"), "Forbidden", "The API key's role does not allow this operation.", "forbidden"),
        [404] = new(Rfc9110("15.5.5"), "Not Found", "No resource at this path; see /swagger for the API.", "not-found"),
        [405] = new(Rfc9110("15.5.6"), "Method Not Allowed", "This path does not accept this HTTP method; see /swagger.", "method-not-allowed"),
        [406] = new(Rfc9110("15.5.7"), "Not Acceptable", "This resource cannot be sent in the media type the Accept header asks for.",
            "not-acceptable"),
        [409] = new(Rfc9110("15.5.10"), "Conflict", "The request conflicts with the current state of the resource.", "conflict"),
        // Every 412 of this API is a stale If-Match: someone changed the resource since the client read it.
        [412] = new(Rfc9110("15.5.13"), "Precondition Failed", "If-Match does not match the current ETag; GET the resource again.",
            "concurrent-change"),
        [413] = new(Rfc9110("15.5.14"), "Content Too Large", "The request body is larger than this endpoint accepts.", "body-too-large"),
        [415] = new(Rfc9110("15.5.16"), "Unsupported Media Type", "Send the body as Content-Type: application/json.", "unsupported-media-type"),
        [422] = new(Rfc9110("15.5.21"), "Unprocessable Content", "The request is well formed but cannot be processed.", "unprocessable"),
        [428] = new(Rfc6585("3"), "Precondition Required", "Send the ETag from a GET of this resource in an If-Match header.",
            "if-match-required"),
        [429] = new(Rfc6585("4"), "Too Many Requests", "Too many requests for this API key; wait for Retry-After seconds.", "rate-limited"),
        [500] = new(Rfc9110("15.6.1"), "An error occurred while processing your request.",
            "The error has been logged; quote the traceId when reporting it.", "internal-error"),
        [503] = new(Rfc9110("15.6.4"), "Service Unavailable", "The database is unavailable; retry after Retry-After seconds.", "unavailable"),
    };

    public static IReadOnlyDictionary<int, Known> All => ByStatus;

    public static Known For(int status) =>
        ByStatus.TryGetValue(status, out var known)
            ? known
            : new(status >= 500 ? Rfc9110("15.6") : Rfc9110("15.5"), $"HTTP {status}", $"The request was answered with status {status}.",
                status >= 500 ? "server-error" : "client-error");

    private static string Rfc9110(string section) => $"https://tools.ietf.org/html/rfc9110#section-{section}";

    private static string Rfc6585(string section) => $"https://tools.ietf.org/html/rfc6585#section-{section}";
}
