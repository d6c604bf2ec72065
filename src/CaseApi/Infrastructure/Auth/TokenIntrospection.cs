using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Asks the identity provider whether a token is still active (RFC 7662), at the introspection endpoint its discovery
/// document names. A signature proves who issued a token, not that it was not revoked since; admin operations therefore ask.
/// </summary>
internal sealed class TokenIntrospection(IOptionsMonitor<JwtBearerOptions> jwt, IOptions<OidcOptions> options, ILogger<TokenIntrospection> logger)
{
    /// <summary>True or false as the provider answers; null when it offers no introspection endpoint.</summary>
    public async Task<bool?> IsActiveAsync(string token, CancellationToken ct)
    {
        var bearer = jwt.Get(OidcTokens.SchemeName);
        var configuration = await bearer.ConfigurationManager!.GetConfigurationAsync(ct);
        if (string.IsNullOrEmpty(configuration.IntrospectionEndpoint)) return null;

        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.IntrospectionEndpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };
        // client_secret_basic (RFC 6749 §2.3.1): both parts form-encoded before they are joined.
        var client = options.Value;
        var credentials = $"{Uri.EscapeDataString(client.IntrospectionClientId!)}:{Uri.EscapeDataString(client.IntrospectionClientSecret!)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

        using var response = await bearer.Backchannel.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            // Fail closed: an operation that must be confirmed is refused when it cannot be.
            logger.LogWarning("Token introspection answered {Status}; the admin operation is refused", (int)response.StatusCode);
            return false;
        }
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return body.RootElement.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True;
    }
}
