using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CaseApi.Infrastructure.Http;

public sealed class RequestLimitOptions
{
    public const string Section = "Limits";

    /// <summary>Largest body an ordinary request may send (imports have their own, larger limit).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// A response (an export) that a client reads slower than this, after the grace period, is cut off: its connection
    /// is aborted, so a stalled reader cannot hold a database connection open. The client sees an unterminated
    /// chunked body, never a short file that looks complete.
    /// </summary>
    public double MinResponseBytesPerSecond { get; set; } = 16 * 1024;

    public int MinResponseRateGraceSeconds { get; set; } = 10;

    /// <summary>
    /// The longest a bulk response (an export) may wait for its client to accept one write before the connection is
    /// aborted. The minimum data rate averages over the whole response; this bounds a client that read fast, then stopped.
    /// </summary>
    public int MaxWriteStallSeconds { get; set; } = 30;
}

public static class HttpSetup
{
    /// <summary>JSON rules, RFC 9457 problems for every error, and the request body limit.</summary>
    public static IServiceCollection AddCaseApiHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        // Body-binding failures throw, so ProblemExceptionHandler can say exactly what was wrong with the body.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddCaseApiProblems();

        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section);
        var limits = configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        services.Configure<KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            k.Limits.MinResponseDataRate =
                new MinDataRate(limits.MinResponseBytesPerSecond, TimeSpan.FromSeconds(limits.MinResponseRateGraceSeconds));
        });
        services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = limits.MaxRequestBodyBytes);

        // SIGTERM: Kestrel stops accepting, and running requests get the drain (the host's shutdown timeout) to finish.
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var shutdown = configuration.GetSection(ShutdownOptions.Section).Get<ShutdownOptions>() ?? new ShutdownOptions();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(shutdown.DrainSeconds));
        services.AddSingleton<ShutdownDrain>();
        return services;
    }
}
