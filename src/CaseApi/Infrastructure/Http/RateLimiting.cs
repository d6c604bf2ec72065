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
    public const string Header = "RateLimit";
    public const string PolicyHeader = "RateLimit-Policy";

    /// <summary>
    /// A fixed window per API key (per IP address for requests without a valid key) for every request, plus the
    /// <see cref="RateLimitPolicies.Bulk"/> budget that expensive endpoints opt into. Rejections are 429 problems
    /// with Retry-After.
    /// </summary>
    public static IServiceCollection AddCaseApiRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RateLimitBudgets>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, RateLimitBudgets>((o, configured, budgets) =>
        {
            var limits = configured.Value;
            var window = TimeSpan.FromSeconds(limits.WindowSeconds);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Orchestrators' probes are never limited: a spent budget of their address must not read as a dead pod.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => IsUnlimited(http)
                ? RateLimitPartition.GetNoLimiter("health")
                : RateLimitPartition.Get(Partition(http), key => budgets.Open(RateLimitBudgets.Default, key, limits.PermitLimit, window)));
            // Per key: so many bulk requests per window, and so many at a time. A read that is bulk work only when it reads
            // the past (GET /cases/{id}?asOf=) says so by its read declaration; of the present it is a point read.
            o.AddPolicy(RateLimitPolicies.Bulk, http => !IsBulk(http)
                ? RateLimitPartition.GetNoLimiter("point")
                : RateLimitPartition.Get(Partition(http), key => RateLimiter.CreateChained(
                    budgets.Open(RateLimitBudgets.Bulk, key, limits.BulkPermitLimit, window),
                    new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = limits.BulkConcurrencyLimit, QueueLimit = 0 }))));
            o.OnRejected = (context, ct) => RejectAsync(context, limits.BulkRetryAfterSeconds);
        });
        return services;
    }

    private static bool IsBulk(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<StoreRead>() is not { } read
        || read.IsBulk(ReadPoints.ReadsThePast(http.Request.Query[ReadPoints.AsOfParameter], http.Request.Query[ReadPoints.ReleaseParameter]));

    /// <summary>
    /// RateLimit and RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers) on every response the limiter governs, 429s
    /// included: the default budget's policy and window, and the bulk budget's where the endpoint spends it. Runs before
    /// authentication and the limiter; the fields are written when the response starts, after this request took its
    /// permit, and also when something before the limiter (a store that cannot be reached) ended the request.
    /// </summary>
    public static WebApplication UseRateLimitFields(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var budgets = app.Services.GetRequiredService<RateLimitBudgets>();
        var window = TimeSpan.FromSeconds(limits.WindowSeconds);
        var policies = RateLimitBudgets.PolicyField(RateLimitBudgets.Default, limits.PermitLimit, window);
        var bulkPolicies = $"{policies}, {RateLimitBudgets.PolicyField(RateLimitBudgets.Bulk, limits.BulkPermitLimit, window)}";
        app.Use((http, next) =>
        {
            if (IsUnlimited(http)) return next(http);
            http.Response.OnStarting(() =>
            {
                var partition = Partition(http);
                var bulk = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == RateLimitPolicies.Bulk
                    && IsBulk(http);
                string?[] fields =
                    [budgets.Field(RateLimitBudgets.Default, partition), bulk ? budgets.Field(RateLimitBudgets.Bulk, partition) : null];
                http.Response.Headers[PolicyHeader] = bulk ? bulkPolicies : policies;
                if (fields.Any(f => f is not null)) http.Response.Headers[Header] = string.Join(", ", fields.OfType<string>());
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }

    private static bool IsUnlimited(HttpContext http) => http.Request.Path.StartsWithSegments("/health");

    // Keyed by the stable actor id (a service key's key:{id} or a person's issuer#subject), never a secret; runs after
    // authentication so that the actor is known.
    private static string Partition(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } actor ? $"actor:{actor}" : $"ip:{http.Connection.RemoteIpAddress}";

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
