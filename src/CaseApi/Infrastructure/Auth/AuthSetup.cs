using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace CaseApi.Infrastructure.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>If set, an admin API key with this secret is made to exist at start-up (env Auth__BootstrapAdminKey).</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// How long a known key is trusted from memory before it is read from the database again. Changes to keys (a
    /// revocation) empty the cache of every replica at once through LISTEN/NOTIFY; this is only the backstop.
    /// </summary>
    public int KeyCacheSeconds { get; set; } = 30;
}

public static class AuthSetup
{
    /// <summary>
    /// API keys and, when Auth:Oidc:Authority is set, access tokens, behind one policy scheme that sends each request to the
    /// handler for the credential it carries; then the role policies. Anything not explicitly authorized is denied.
    /// </summary>
    public static IServiceCollection AddCaseApiAuthorization(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<PeopleDirectory>();

        var oidc = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        var authentication = services.AddAuthentication(Credentials.SchemeName)
            .AddPolicyScheme(Credentials.SchemeName, null, o => o.ForwardDefaultSelector = http => Credentials.SchemeFor(http, oidc.Enabled))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (oidc.Enabled)
        {
            // A token signed with a key we have not fetched makes IdentityModel refetch the provider's keys; by default it does
            // so in the background and refuses the token meanwhile. Blocking refetches let a rotated key work on first use.
            AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);
            services.AddSingleton<TokenIntrospection>();
            services.AddScoped<OidcTokens>();
            authentication.AddJwtBearer(OidcTokens.SchemeName, jwt => OidcTokens.Configure(jwt, oidc));
        }

        var authorization = services.AddAuthorizationBuilder();
        foreach (var role in Policies.Roles)
        {
            authorization.AddPolicy(role, p => p.RequireAuthenticatedUser().RequireRole(Policies.RolesSatisfying(role)));
        }
        // Deny by default: a route someone forgets to give a policy fails closed (and fails the endpoint-matrix test).
        // Requests that matched no handler (404, 405) have nothing to protect and keep their honest status.
        authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAssertion(context => context.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint)
            .Build());
        return services;
    }
}
