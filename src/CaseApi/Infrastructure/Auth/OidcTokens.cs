using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Access tokens from the organisation's OpenID Connect provider. JwtBearer checks the signature against the provider's JWKS
/// (fetched from discovery, and fetched again when a token names a key it does not know: key rotation), the issuer, the
/// audience and the expiry within a bounded clock skew; <see cref="TokenValidated"/> adds what it does not: a cap on a
/// token's age, the roles this service knows, the person's current name, and introspection before admin operations.
/// </summary>
internal sealed class OidcTokens(
    IOptions<OidcOptions> options, TimeProvider time, PeopleDirectory people, TokenIntrospection introspection) : JwtBearerEvents
{
    public const string SchemeName = "Oidc";

    public static void Configure(JwtBearerOptions jwt, OidcOptions oidc)
    {
        jwt.Authority = oidc.Authority;
        jwt.Audience = oidc.Audience;
        jwt.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        // Claims keep the names the provider gave them (sub, name, roles), not WS-Federation URIs.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(oidc.ClockSkewSeconds);
        jwt.TokenValidationParameters.RequireExpirationTime = true;
        jwt.TokenValidationParameters.RequireSignedTokens = true;
        jwt.EventsType = typeof(OidcTokens);
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var oidc = options.Value;
        if (context.SecurityToken is not JsonWebToken token || string.IsNullOrEmpty(token.Subject))
        {
            context.Fail("The token names no subject (sub).");
            return;
        }
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            context.Fail("The token does not say when it was issued (iat).");
            return;
        }
        var age = time.GetUtcNow() - new DateTimeOffset(token.IssuedAt, TimeSpan.Zero);
        if (age > TimeSpan.FromMinutes(oidc.MaxTokenLifetimeMinutes) + TimeSpan.FromSeconds(oidc.ClockSkewSeconds))
        {
            context.Fail($"The token was issued more than {oidc.MaxTokenLifetimeMinutes} minutes ago, the longest this service accepts one.");
            return;
        }
        var actor = Actors.ForPerson(token.Issuer, token.Subject);
        if (actor.Length > Actors.MaxLength || actor.Contains('\0', StringComparison.Ordinal))
        {
            context.Fail($"The token's issuer and subject together exceed {Actors.MaxLength} characters or hold a NUL character.");
            return;
        }

        var ct = context.HttpContext.RequestAborted;
        if (oidc.Introspects && IsSensitive(context.HttpContext)
            && await introspection.IsActiveAsync(token.EncodedToken, ct) == false)
        {
            context.Fail("The identity provider reports the token is no longer active (revoked, or its session ended).");
            return;
        }

        var claims = context.Principal!;
        var name = PeopleDirectory.Fit(
            claims.FindFirst(oidc.NameClaim)?.Value ?? claims.FindFirst("preferred_username")?.Value ?? token.Subject, PeopleDirectory.MaxNameLength);
        var email = claims.FindFirst("email")?.Value is { } address ? PeopleDirectory.Fit(address, PeopleDirectory.MaxEmailLength) : null;
        await people.RecordAsync(actor, token.Issuer, token.Subject, name, email, ct);
        context.Principal = Actors.Principal(actor, name, RoleClaims.Read(claims, oidc), SchemeName);
    }

    // A failure that is not the token's (the provider unreachable) would otherwise escape as a 500.
    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        context.Fail(context.Exception);
        return Task.CompletedTask;
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        return AuthProblems.UnauthorizedAsync(context.HttpContext, Describe(context.AuthenticateFailure));
    }

    public override Task Forbidden(ForbiddenContext context) => AuthProblems.ForbiddenAsync(context.HttpContext);

    /// <summary>Admin operations (key management among them) are the ones a revoked token must not reach.</summary>
    private static bool IsSensitive(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Admin) == true;

    // IdentityModel's messages hide their details (PII logging is off); say in plain words which check failed.
    private string? Describe(Exception? failure) => failure switch
    {
        null => null,
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => $"The token was not issued for this service (audience '{options.Value.Audience}').",
        SecurityTokenInvalidIssuerException => "The token was not issued by the identity provider this service trusts.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The token's signature does not verify with any key the identity provider publishes.",
        SecurityTokenException => "The token is not valid.",
        InvalidOperationException or HttpRequestException => "The identity provider could not be reached to check the token.",
        _ => failure.Message,
    };
}
