using System.Security.Claims;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Who acted, as the audit trail, imports and releases record it: a stable id that never changes when a name does. A person
/// is <c>{issuer}#{subject}</c> (the subject is unique only within its issuer); a service is <c>key:{key id}</c>. Display
/// names are looked up when read (people, api_keys), never written into the append-only audit.
/// </summary>
public static class Actors
{
    public const string KeyPrefix = "key:";

    /// <summary>The audit's actor column holds at most this many characters.</summary>
    public const int MaxLength = 200;

    public static string ForKey(Guid keyId) => KeyPrefix + keyId;

    public static string ForPerson(string issuer, string subject) => $"{issuer}#{subject}";

    /// <summary>
    /// The signed-in principal: the actor id as <see cref="ClaimTypes.NameIdentifier"/> (also the rate limiter's partition),
    /// the display name, and the roles this service knows.
    /// </summary>
    public static ClaimsPrincipal Principal(string actorId, string name, IEnumerable<string> roles, string scheme)
    {
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, actorId));
        identity.AddClaim(new Claim(ClaimTypes.Name, name));
        identity.AddClaims(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(identity);
    }
}
