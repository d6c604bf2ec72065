using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>, and answers 401 and 403
/// as RFC 9457 problems. The secret is never logged: failures name the reason, not the key.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    // Real keys are ~50 characters; anything far longer is rejected without hashing or a database lookup.
    private const int MaxSecretLength = 256;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // One credential per request: with two, which one acted (and which one the audit names) would be a guess.
        if (Credentials.CarriesTwo(Request))
        {
            return AuthenticateResult.Fail($"Send one credential: an '{HeaderName}' header or an 'Authorization' header, not both.");
        }
        var secret = ReadSecret(Request);
        if (secret is null) return AuthenticateResult.NoResult();
        if (secret.Length is 0 or > MaxSecretLength) return AuthenticateResult.Fail("The API key is malformed.");
        if (Credentials.LooksLikeJwt(secret))
        {
            return AuthenticateResult.Fail("The service accepts no sign-in tokens: no identity provider is configured (Auth:Oidc:Authority).");
        }

        var key = await keys.FindAsync(secret, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("The API key is not valid.");
        if (key.RevokedAt is not null) return AuthenticateResult.Fail("The API key has been revoked.");
        if (key.ExpiresAt <= TimeProvider.GetUtcNow()) return AuthenticateResult.Fail("The API key has expired.");

        var principal = Actors.Principal(Actors.ForKey(key.Id), key.Name, [key.Role], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static string? ReadSecret(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var apiKey)) return apiKey.ToString().Trim();
        return Credentials.BearerToken(request);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await AuthProblems.UnauthorizedAsync(Context, result.Failure?.Message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.ForbiddenAsync(Context);
}
