namespace CaseApi.Infrastructure.Http;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers that stop browsers from sniffing, framing or leaking what this API serves. JSON responses get a
    /// CSP that allows nothing; Swagger UI needs its own scripts and styles, so it only gets frame-ancestors.
    /// Every response is private and revalidated unless its handler says otherwise (<see cref="NoStore"/>).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Data is per key and changes: browsers and shared caches keep nothing without revalidating (ETags make that
        // cheap). Responses that carry a secret say no-store instead.
        headers.CacheControl = "private, no-cache";
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/swagger")
            ? "frame-ancestors 'none'"
            : "default-src 'none'; frame-ancestors 'none'";
        return next(http);
    });

    /// <summary>For a response that carries a secret (a new API key): no cache anywhere may keep it.</summary>
    public static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";
}
