using CaseApi.Infrastructure.Auth;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CaseApi.Infrastructure.Observability;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var managementPort = ObservabilitySetup.ManagementPort(app.ServiceProvider.GetRequiredService<IConfiguration>());
        // Live: the process answers. Ready: the database answers and its schema is current.
        // Both are anonymous: orchestrators probe them without a key.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = (http, report) => WriteReadinessAsync(http, report, managementPort),
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The overall status to everyone; each check's status and description (the standby's lag and where reads go, or why a
    /// check failed, which can name hosts and ports) only on the management port or to an admin key, which is what an
    /// operator looking at a degraded replica has. Exception messages stay in the log.
    /// </summary>
    private static Task WriteReadinessAsync(HttpContext http, HealthReport report, int? managementPort)
    {
        var status = report.Status.ToString();
        if (http.Connection.LocalPort != managementPort && !http.User.IsInRole(Policies.Admin))
        {
            return http.Response.WriteAsJsonAsync(new { status });
        }
        return http.Response.WriteAsJsonAsync(new
        {
            status,
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
