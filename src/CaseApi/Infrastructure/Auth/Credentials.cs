namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Tells an access token from an API key by its shape, so that each goes to the one handler that can judge it: a JWS
/// compact token is three base64url parts joined by dots and begins with the encoded <c>{"</c> of its header (<c>eyJ</c>);
/// an API key (<c>cak_</c> and base64url) has no dot. The policy scheme named here forwards every request by that rule.
/// </summary>
public static class Credentials
{
    public const string SchemeName = "Credentials";

    public static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    public static bool LooksLikeJwt(string token) =>
        token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    /// <summary>An API key header beside an Authorization header: refused, whatever either holds.</summary>
    public static bool CarriesTwo(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) && request.Headers.ContainsKey("Authorization");

    /// <summary>The scheme that judges a request: the token scheme for a lone JWT when sign-in is configured, else API keys.</summary>
    public static string SchemeFor(HttpContext http, bool tokensAccepted) =>
        tokensAccepted && !CarriesTwo(http.Request) && BearerToken(http.Request) is { } token && LooksLikeJwt(token)
            ? OidcTokens.SchemeName
            : ApiKeyAuthenticationHandler.SchemeName;
}
