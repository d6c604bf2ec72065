using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CaseApi.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests one API key (or one anonymous IP address) may make per window.</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 6000;

    /// <summary>The smaller budget of the expensive endpoints (lists, exports, statistics, coverage, imports), per key and window.</summary>
    [Range(1, int.MaxValue)]
    public int BulkPermitLimit { get; set; } = 600;

    /// <summary>
    /// Expensive requests one key (or anonymous address) may have in flight at once; more are refused with 429, not
    /// queued, so one reader cannot hold every bulk connection with slow exports.
    /// </summary>
    [Range(1, 1000)]
    public int BulkConcurrencyLimit { get; set; } = 2;

    /// <summary>The Retry-After of a refusal for too many requests in flight (a window's refusal says when it ends).</summary>
    [Range(1, 3600)]
    public int BulkRetryAfterSeconds { get; set; } = 5;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>Rate-limit policy names for <c>.RequireRateLimiting(...)</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>Lists, exports, statistics, coverage and imports: each request can cost seconds of database time.</summary>
    public const string Bulk = "bulk";
}

public static class RateLimiting
{
    /// <summary>
    /// A fixed window per API key (per IP address for requests without a valid key) for every request, plus the
    /// <see cref="RateLimitPolicies.Bulk"/> budget that expensive endpoints opt into. Rejections are 429 problems
    /// with Retry-After.
    /// </summary>
    public static IServiceCollection AddCaseApiRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, configured) =>
        {
            var limits = configured.Value;
            var window = TimeSpan.FromSeconds(limits.WindowSeconds);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Orchestrators' probes are never limited: a spent budget of their address must not read as a dead pod.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.Request.Path.StartsWithSegments("/health")
                ? RateLimitPartition.GetNoLimiter("health")
                : RateLimitPartition.GetFixedWindowLimiter(Partition(http), _ => Window(limits.PermitLimit, window)));
            // Per key: so many bulk requests per window, and so many at a time. A read that is bulk work only when it reads
            // the past (GET /cases/{id}?asOf=) says so by its read declaration; of the present it is a point read.
            o.AddPolicy(RateLimitPolicies.Bulk, http => !IsBulk(http)
                ? RateLimitPartition.GetNoLimiter("point")
                : RateLimitPartition.Get(Partition(http), _ => RateLimiter.CreateChained(
                    new FixedWindowRateLimiter(Window(limits.BulkPermitLimit, window)),
                    new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = limits.BulkConcurrencyLimit, QueueLimit = 0 }))));
            o.OnRejected = (context, ct) => RejectAsync(context, limits.BulkRetryAfterSeconds);
        });
        return services;
    }

    private static bool IsBulk(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<StoreRead>() is not { } read
        || read.IsBulk(ReadPoints.ReadsThePast(http.Request.Query[ReadPoints.AsOfParameter], http.Request.Query[ReadPoints.ReleaseParameter]));

    // Keyed by the API key's id, never its secret; runs after authentication so that the key is known.
    private static string Partition(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId ? $"key:{keyId}" : $"ip:{http.Connection.RemoteIpAddress}";

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };

    private static async ValueTask RejectAsync(OnRejectedContext context, int concurrencyRetryAfter)
    {
        var http = context.HttpContext;
        // A window's refusal knows when the window ends; a concurrency refusal does not, so it gets the configured wait.
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : concurrencyRetryAfter;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"This API key (or address) has used its request budget, or has as many expensive requests in flight as it may; " +
                    $"retry after {seconds} s.",
            },
        });
    }
}
