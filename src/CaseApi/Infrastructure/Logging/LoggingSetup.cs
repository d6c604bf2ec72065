using System.Security.Claims;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CaseApi.Infrastructure.Logging;

public static class LoggingSetup
{
    /// <summary>The Development console line: the request id comes before the message, so a problem's traceId finds its lines.</summary>
    public const string DevelopmentTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {RequestId} {Message:lj}{NewLine}{Exception}";

    /// <summary>Serilog from the "Serilog" configuration section; readable text in Development, compact JSON elsewhere.</summary>
    public static WebApplicationBuilder AddCaseApiLogging(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddHttpContextAccessor();
        // Registered through AddSerilog only (no static bootstrap logger), so WebApplicationFactory can build many hosts.
        // preserveStaticLogger keeps each host on its own logger: with the static Log.Logger, the request log's
        // diagnostic properties (RequestId, Actor) were bound by whichever host was built, or disposed, last.
        builder.Services.AddSerilog((services, log) =>
        {
            log.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext()
                .Enrich.With(new RequestIdEnricher(services.GetRequiredService<IHttpContextAccessor>()))
                .Filter.ByExcluding(ExpectedNoise.IsExpected);
            if (development) log.WriteTo.Console(outputTemplate: DevelopmentTemplate);
            else log.WriteTo.Console(new RenderedCompactJsonFormatter());
        }, preserveStaticLogger: true);
        return builder;
    }

    /// <summary>Reads slower than this are logged like writes, so that the default log still shows them.</summary>
    public static readonly TimeSpan SlowRead = TimeSpan.FromSeconds(1);

    /// <summary>
    /// One structured line per request, carrying the request id that problems and audit rows also carry; see
    /// <see cref="RequestLevel"/> for which lines the default level writes.
    /// </summary>
    public static IApplicationBuilder UseCaseApiRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger, not the static Log.Logger (see AddCaseApiLogging).
            o.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            o.GetLevel = (http, elapsedMs, error) => RequestLevel(http.Request.Method, http.Response.StatusCode, elapsedMs, error);
            // A percent-encoded CR/LF in the path would otherwise start a forged line in the text log. The status is the one
            // the client got: this middleware runs outside the exception handler, so an exception reaches it only when the
            // response had already started (an export cut off mid-body), whose status went out with its first bytes.
            o.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            [
                new("RequestMethod", new ScalarValue(http.Request.Method)),
                new("RequestPath", new ScalarValue(LogSafe(path))),
                new("StatusCode", new ScalarValue(http.Response.HasStarted ? http.Response.StatusCode : status)),
                new("Elapsed", new ScalarValue(elapsed)),
            ];
            o.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("RequestId", http.TraceIdentifier);
                // The stable actor id the audit records (Infrastructure/Auth/Actors), not a person's name: logs stay free of it.
                diagnostics.Set("Actor", http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous");
            };
        });

    /// <summary>
    /// Failures at Error (5xx) or Information (4xx), writes at Information, and a read (GET or HEAD) that succeeded within
    /// <see cref="SlowRead"/> at Debug, which the default level does not write. Those reads are most of the traffic and
    /// the least telling lines (their latency and status are in /metrics); writing each one cost GET /cases/{id} a tenth
    /// to a fifth of its CPU (docs/performance.md). <c>Serilog__MinimumLevel__Override__Serilog.AspNetCore.RequestLoggingMiddleware=Debug</c>
    /// writes them again.
    /// </summary>
    public static LogEventLevel RequestLevel(string method, int status, double elapsedMs, Exception? error) =>
        error is not null || status >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
        : (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) && status < StatusCodes.Status400BadRequest
            && elapsedMs < SlowRead.TotalMilliseconds ? LogEventLevel.Debug
        : LogEventLevel.Information;

    /// <summary>Control characters as \uXXXX escapes, so a value from a request can never break a log line.</summary>
    public static string LogSafe(string value) =>
        value.Any(char.IsControl) ? string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : value;
}
