using Serilog;
using Serilog.Formatting.Compact;

namespace CaseApi.Infrastructure.Logging;

public static class LoggingSetup
{
    /// <summary>Serilog from the "Serilog" configuration section; readable text in Development, compact JSON elsewhere.</summary>
    public static WebApplicationBuilder AddCaseApiLogging(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        // Registered through AddSerilog only (no static bootstrap logger), so WebApplicationFactory can build many hosts.
        builder.Services.AddSerilog((services, log) =>
        {
            log.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
            if (development) log.WriteTo.Console();
            else log.WriteTo.Console(new RenderedCompactJsonFormatter());
        });
        return builder;
    }

    /// <summary>One structured line per request, carrying the request id that problems and audit rows also carry.</summary>
    public static IApplicationBuilder UseCaseApiRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o => o.EnrichDiagnosticContext = (diagnostics, http) =>
        {
            diagnostics.Set("RequestId", http.TraceIdentifier);
            diagnostics.Set("Actor", http.User.Identity?.Name ?? "anonymous");
        });
}
