using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth.SignIn;

/// <summary>
/// The API trusting a <see cref="TestIdentityProvider"/> started before it, with introspection for admin operations. Not sealed:
/// Review/ReviewSignInFactory adds Review:Mode to its settings.
/// </summary>
public class SignInFactory : CaseApiFactory
{
    /// <summary>The longest a token is accepted after it was issued, shorter than the provider's 60-minute tokens.</summary>
    public const int MaxTokenLifetimeMinutes = 30;

    private TestIdentityProvider? provider;

    public TestIdentityProvider Provider => provider ?? throw new InvalidOperationException("Not initialised.");

    protected override async Task<TestDatabase> CreateDatabaseAsync()
    {
        var database = await base.CreateDatabaseAsync();
        provider = await TestIdentityProvider.StartAsync(database.ConnectionString);
        return database;
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:Oidc:Authority"] = Provider.Issuer.ToString(),
        ["Auth:Oidc:Audience"] = TestIdentityProvider.Audience,
        ["Auth:Oidc:RoleClaim"] = "role",
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
        ["Auth:Oidc:MaxTokenLifetimeMinutes"] = MaxTokenLifetimeMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Auth:Oidc:IntrospectionClientId"] = TestIdentityProvider.IntrospectionClientId,
        ["Auth:Oidc:IntrospectionClientSecret"] = TestIdentityProvider.IntrospectionClientSecret,
    };

    public override async ValueTask DisposeAsync()
    {
        if (provider is not null) await provider.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
