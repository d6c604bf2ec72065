namespace CaseApi.Infrastructure.Http;

public static class RequestIds
{
    public const string HeaderName = "X-Request-Id";
    public const int MaxLength = 64;

    /// <summary>
    /// Adopts a caller's X-Request-Id as the request's TraceIdentifier and echoes it back, so one id ties together
    /// the caller's logs, our Serilog request line, every problem's traceId and the audit row. Only a short id of
    /// safe characters is adopted: it is written to logs and to the database, so it must not carry log-forging
    /// newlines, NUL bytes or megabytes of text.
    /// </summary>
    public static IApplicationBuilder UseCaseApiRequestId(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (Sanitise(http.Request.Headers[HeaderName].ToString()) is { } incoming) http.TraceIdentifier = incoming;
        // Set as the response starts: the exception handler clears the headers of a response it rewrites as a problem.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[HeaderName] = http.TraceIdentifier;
            return Task.CompletedTask;
        });
        return next(http);
    });

    public static string? Sanitise(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var kept = new string([.. value.Trim().Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':').Take(MaxLength)]);
        return kept.Length == 0 ? null : kept;
    }
}
