namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// The authorization policies every endpoint names: reader (all GETs), editor (+ case writes),
/// admin (+ imports, reference data, audit log, API keys). Each role includes the ones below it.
/// </summary>
public static class Policies
{
    public const string Reader = "reader";
    public const string Editor = "editor";
    public const string Admin = "admin";

    /// <summary>The roles from least to most privileged.</summary>
    public static IReadOnlyList<string> Roles { get; } = [Reader, Editor, Admin];

    /// <summary>The roles that satisfy a policy: the policy's own role and every stronger one.</summary>
    public static IEnumerable<string> RolesAtLeast(string role) => Roles.SkipWhile(r => r != role);
}
