using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CaseApi.Infrastructure.Http;

public sealed class ProxyOptions
{
    public const string Section = "Http";

    /// <summary>
    /// The origin clients use (https://cases.example.org). When set, absolute links (Link, Location) are built from it
    /// whatever Host or X-Forwarded-Host a request carries.
    /// </summary>
    public Uri? PublicOrigin { get; set; }

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For/-Proto/-Host headers are believed.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) of such proxies.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Where a request came from and which origin it addressed, as far as this service can trust it: forwarded headers
/// only from configured proxies (none by default), and the configured public origin over anything a request says.
/// Host names themselves are checked before this, against AllowedHosts (ASP.NET Core's host filtering).
/// </summary>
public static class PublicOrigin
{
    public static IServiceCollection AddCaseApiProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxy = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Replace the loopback defaults: only what the operator names is a proxy.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var address in proxy.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(address));
            foreach (var network in proxy.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            // A forwarded host must still be one of ours.
            o.AllowedHosts = configuration["AllowedHosts"] is { Length: > 0 } hosts && hosts != "*" ? hosts.Split(';') : [];
        });
        return services;
    }

    public static IApplicationBuilder UseCaseApiProxies(this WebApplication app)
    {
        var proxy = app.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        if (proxy.KnownProxies.Length > 0 || proxy.KnownNetworks.Length > 0) app.UseForwardedHeaders();
        if (proxy.PublicOrigin is { } origin)
        {
            var host = new HostString(origin.Authority);
            app.Use((http, next) =>
            {
                http.Request.Scheme = origin.Scheme;
                http.Request.Host = host;
                return next(http);
            });
        }
        return app;
    }
}
