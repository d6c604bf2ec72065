namespace CaseApi.Entities;

/// <summary>The closed values of the entities feature: kinds of entity and the roles a case names one in.</summary>
public static class EntityCodes
{
    public static readonly IReadOnlyList<string> Kinds =
    [
        "person", "company", "university", "research-institute", "government-body", "state-owned-enterprise", "intelligence-unit", "other",
    ];

    public const string Defendant = "defendant";
    public const string Victim = "victim";

    /// <summary>The roles; defendant and victim links are derived from the case's names, the others are set on their own.</summary>
    public static readonly IReadOnlyList<string> Roles = [Defendant, Victim, "collector-employer", "sponsoring-unit"];
}
