using CaseApi.Infrastructure.Auth;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CaseApi.Infrastructure.Http;

public static class SecuritySetup
{
    public const string CorsOriginsKey = "Cors:AllowedOrigins";

    /// <summary>API keys, sign-in tokens and roles, rate limits, CORS (only when origins are configured) and no Server header.</summary>
    public static IServiceCollection AddCaseApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCaseApiAuthorization(configuration);
        services.AddCaseApiRateLimiting();
        services.AddCaseApiProxies(configuration);
        services.Configure<KestrelServerOptions>(k => k.AddServerHeader = false);
        if (configuration.GetSection(CorsOriginsKey).Get<string[]>() is { Length: > 0 } origins)
        {
            services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(origins).AllowAnyMethod().AllowAnyHeader()
                .WithExposedHeaders("ETag", "Location", "Link", "Retry-After", RequestIds.HeaderName, RateLimiting.Header,
                    StoreReads.FeedPositionHeader, RateLimiting.PolicyHeader)));
        }
        return services;
    }

    /// <summary>
    /// Security headers, CORS, then authentication before the rate limiter (so budgets are per key) and the rate
    /// limiter before authorization (so requests that fail authorization still spend the anonymous budget).
    /// </summary>
    public static WebApplication UseCaseApiSecurity(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (app.Configuration.GetSection(CorsOriginsKey).Get<string[]>() is { Length: > 0 }) app.UseCors();
        // Before authentication: the fields are written when the response starts (the actor is known by then), so a 503
        // from an authentication that could not reach the store carries them too, as the contract says every answer does.
        app.UseRateLimitFields();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseWriteStallGuard();
        app.UseAuthorization();
        return app;
    }
}
