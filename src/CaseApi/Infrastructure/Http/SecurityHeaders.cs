namespace CaseApi.Infrastructure.Http;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers that stop browsers from sniffing, framing or leaking what this API serves. JSON responses get a
    /// CSP that allows nothing; Swagger UI needs its own scripts and styles, so it only gets frame-ancestors.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/swagger")
            ? "frame-ancestors 'none'"
            : "default-src 'none'; frame-ancestors 'none'";
        return next(http);
    });
}
