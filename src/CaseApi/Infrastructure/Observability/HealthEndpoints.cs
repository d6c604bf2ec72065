using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CaseApi.Infrastructure.Observability;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Live: the process answers. Ready: the database answers and its schema is current.
        // Both are anonymous: orchestrators probe them without a key.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteReadinessAsync })
            .AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The overall status and each check's, with its description where it has one (the standby's lag and where reads
    /// go): what an operator looking at a degraded replica needs. Exception messages stay in the log.
    /// </summary>
    private static Task WriteReadinessAsync(HttpContext http, HealthReport report) => http.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
    });
}
