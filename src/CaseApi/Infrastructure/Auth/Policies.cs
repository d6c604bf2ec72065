namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// The authorization policies every endpoint names (DESIGN §3): reader (all GETs), editor (+ case writes),
/// admin (+ imports, reference data, audit log, API keys).
/// </summary>
public static class Policies
{
    public const string Reader = "reader";
    public const string Editor = "editor";
    public const string Admin = "admin";
}
