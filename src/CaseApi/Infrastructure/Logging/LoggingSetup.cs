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

    /// <summary>One structured line per request, carrying the request id that problems and audit rows also carry.</summary>
    public static IApplicationBuilder UseCaseApiRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger, not the static Log.Logger (see AddCaseApiLogging).
            o.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            // A percent-encoded CR/LF in the path would otherwise start a forged line in the text log.
            o.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            [
                new("RequestMethod", new ScalarValue(http.Request.Method)),
                new("RequestPath", new ScalarValue(LogSafe(path))),
                new("StatusCode", new ScalarValue(status)),
                new("Elapsed", new ScalarValue(elapsed)),
            ];
            o.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("RequestId", http.TraceIdentifier);
                diagnostics.Set("Actor", http.User.Identity?.Name ?? "anonymous");
            };
        });

    /// <summary>Control characters as \uXXXX escapes, so a value from a request can never break a log line.</summary>
    public static string LogSafe(string value) =>
        value.Any(char.IsControl) ? string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : value;
}
