using System.ComponentModel.DataAnnotations;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Sign-in through the organisation's OpenID Connect provider (section <c>Auth:Oidc</c>). Without an authority, tokens are
/// not accepted and only API keys authenticate. docs/operations/security.md describes each setting.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Auth:Oidc";

    /// <summary>The issuer's URL; its discovery document (/.well-known/openid-configuration) names the JWKS and endpoints.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience (<c>aud</c>) a token must be issued for.</summary>
    [Required] public string Audience { get; set; } = "caseapi";

    /// <summary>
    /// The claim that carries roles; a dotted path reaches into a JSON claim (Keycloak: <c>realm_access.roles</c>). The
    /// claim may hold one value, several claims, or a JSON array.
    /// </summary>
    [Required] public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim with the person's display name (falls back to <c>preferred_username</c>, then the subject).</summary>
    [Required] public string NameClaim { get; set; } = "name";

    /// <summary>Optional renaming of the provider's role values to this service's roles, e.g. <c>"caseapi-admin": "admin"</c>.</summary>
    public Dictionary<string, string> RoleMap { get; init; } = new(StringComparer.Ordinal);

    /// <summary>How far apart the provider's clock and ours may be; bounded, because it lengthens every token's life.</summary>
    [Range(0, 300)] public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>
    /// The longest a token is accepted after it was issued (<c>iat</c>), whatever its <c>exp</c> says: the bound on how long
    /// a revoked token can still read, where the provider offers no introspection.
    /// </summary>
    [Range(1, 1440)] public int MaxTokenLifetimeMinutes { get; set; } = 60;

    /// <summary>Off only for a provider on loopback in development and tests: metadata and keys must come over HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The client this service introspects tokens as (RFC 7662). When set with a secret, admin operations (API keys, imports,
    /// reference data, the audit log, releases) ask the provider whether the token is still active before they run.
    /// </summary>
    public string? IntrospectionClientId { get; set; }

    public string? IntrospectionClientSecret { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public bool Introspects => !string.IsNullOrWhiteSpace(IntrospectionClientId) && !string.IsNullOrWhiteSpace(IntrospectionClientSecret);
}
