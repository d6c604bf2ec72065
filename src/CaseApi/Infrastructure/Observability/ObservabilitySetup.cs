using CaseApi.Infrastructure.Auth;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CaseApi.Infrastructure.Observability;

public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry metrics (request rate and latency, database command timings, runtime) for a Prometheus scrape of
    /// /metrics, and traces of requests and SQL commands, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    /// </summary>
    public static WebApplicationBuilder AddCaseApiObservability(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                // Request rate and latency per route and status (http_server_request_duration_seconds), and Kestrel's
                // connections. Not AddAspNetCoreInstrumentation: it also listens to the routing, authentication,
                // authorization, rate-limiting and memory-pool meters, a dozen more measurements on every request
                // that nobody reads (docs/performance.md, "Metrics that nobody reads").
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                // Npgsql's own meter: command duration (db_client_operation_duration_seconds) and pool usage, the database side
                // of every EF Core query.
                .AddNpgsqlInstrumentation()
                // The service's own: reads by the server that served them, and the standby's lag.
                .AddMeter(Store.ReadRouter.MeterName)
                .AddRuntimeInstrumentation()
                .AddView(instrument => Unread.Contains(instrument.Name) ? MetricStreamConfiguration.Drop : null)
                .AddPrometheusExporter());
        // No exporter, no tracer provider: once one listens, every request and SQL command records a span whether or
        // not anything exports it, a cost on GET /cases/{id}, which docs/design.md holds to 2x of a raw SQL lookup.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                // The scrape and the probes would otherwise be most of the traces.
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
                .AddNpgsql()
                .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>
    /// Per-request instruments of the meters above that the request and command durations already answer (requests in
    /// flight, bytes and commands per command). A dropped stream is never enabled, so it is never recorded.
    /// </summary>
    private static readonly HashSet<string> Unread =
    [
        "http.server.active_requests", "db.client.operation.npgsql.bytes_read", "db.client.operation.npgsql.bytes_written",
        "db.client.operation.npgsql.executing",
    ];

    /// <summary>The port that alone serves /metrics (list it in ASPNETCORE_HTTP_PORTS too, e.g. "8080;9090").</summary>
    public const string ManagementPortKey = "Management:Port";

    /// <summary>
    /// The Prometheus text exposition at /metrics (not part of the API contract). With a management port it answers
    /// there only, without a key (the network decides who reaches that port); without one, only to an admin key.
    /// </summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        var metrics = app.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription();
        if (ManagementPort(app.ServiceProvider.GetRequiredService<IConfiguration>()) is { } port)
        {
            metrics.RequireAuthorization(p => p.RequireAssertion(c => c.Resource is HttpContext http && http.Connection.LocalPort == port));
        }
        else
        {
            metrics.RequireAuthorization(Policies.Admin);
        }
        return app;
    }

    public static int? ManagementPort(IConfiguration configuration) => configuration.GetValue<int?>(ManagementPortKey);

    /// <summary>
    /// The management port serves /metrics and /health/* and nothing else: it is reached past the ingress (by monitoring,
    /// by probes), so the API, its description and everything else answer 404 there, before authentication or rate limits.
    /// </summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app)
    {
        if (ManagementPort(app.ApplicationServices.GetRequiredService<IConfiguration>()) is not { } port) return app;
        return app.Use((http, next) =>
        {
            if (http.Connection.LocalPort != port || IsManagementPath(http.Request.Path)) return next(http);
            // Empty: the status-code pages write the problem.
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    private static bool IsManagementPath(PathString path) => path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
