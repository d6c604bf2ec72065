namespace CaseApi.Infrastructure.Auth;

public static class AuthSetup
{
    /// <summary>
    /// Registers the role policies. Until API keys land (the access-control issue) the policies admit everyone,
    /// as the foundation allows; endpoints already name the policy they need.
    /// </summary>
    public static IServiceCollection AddCaseApiAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Reader, p => p.RequireAssertion(_ => true))
            .AddPolicy(Policies.Editor, p => p.RequireAssertion(_ => true))
            .AddPolicy(Policies.Admin, p => p.RequireAssertion(_ => true));
        return services;
    }
}
