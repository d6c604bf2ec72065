using System.Security.Claims;
using System.Text.Json;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Reads the roles a token grants from the configured claim: plain values (one claim per role, or a JSON array), or a path
/// into a JSON claim such as Keycloak's <c>realm_access.roles</c>. Values this service does not know are ignored, so a token
/// with only unknown roles is signed in with none and refused by every policy.
/// </summary>
internal static class RoleClaims
{
    public static IReadOnlyList<string> Read(ClaimsPrincipal token, OidcOptions options)
    {
        var path = options.RoleClaim.Split('.');
        var values = new List<string>();
        foreach (var claim in token.FindAll(path[0]))
        {
            if (path.Length == 1 && !claim.Value.StartsWith('[')) values.Add(claim.Value);
            else values.AddRange(FromJson(claim.Value, path[1..]));
        }
        return [.. values.Select(v => options.RoleMap.GetValueOrDefault(v, v)).Where(Policies.Roles.Contains).Distinct()];
    }

    private static List<string> FromJson(string json, string[] path)
    {
        JsonElement element;
        try
        {
            element = JsonElement.Parse(json);
        }
        catch (JsonException)
        {
            return [];
        }
        foreach (var segment in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element)) return [];
        }
        return element.ValueKind switch
        {
            JsonValueKind.Array => element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
            JsonValueKind.String => [element.GetString()!],
            _ => [],
        };
    }
}
