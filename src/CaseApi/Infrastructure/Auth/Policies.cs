namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// The authorization policies every endpoint names: reader (all GETs), editor (+ case writes), admin (+ imports, reference
/// data, audit log, API keys), and reviewer, a person who reads what editors read and will approve others' changes once the
/// review workflow exists (so it does not write cases itself). Admin satisfies every policy.
/// </summary>
public static class Policies
{
    public const string Reader = "reader";
    public const string Editor = "editor";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";

    /// <summary>Every role, from least to most privileged where they are comparable.</summary>
    public static IReadOnlyList<string> Roles { get; } = [Reader, Reviewer, Editor, Admin];

    /// <summary>The roles an API key may have: keys are for services, and reviewing is done by people.</summary>
    public static IReadOnlyList<string> KeyRoles { get; } = [Reader, Editor, Admin];

    private static readonly Dictionary<string, string[]> Satisfying = new(StringComparer.Ordinal)
    {
        [Reader] = [Reader, Reviewer, Editor, Admin],
        [Reviewer] = [Reviewer, Admin],
        [Editor] = [Editor, Admin],
        [Admin] = [Admin],
    };

    /// <summary>The roles that satisfy a policy: the policy's own role and every role that includes it.</summary>
    public static IReadOnlyList<string> RolesSatisfying(string policy) => Satisfying[policy];
}
