namespace CaseApi.Entities;

/// <summary>
/// A role whose links follow a list of names in the case: the case field that holds them, the kind an unknown name's entity
/// gets, and the export's column of the linked entities' ids.
/// </summary>
public sealed record NamedRole(string Role, string Field, string DefaultKind, string IdsField);

/// <summary>The closed values of the entities feature: kinds of entity and the roles a case names one in.</summary>
public static class EntityCodes
{
    public static readonly IReadOnlyList<string> Kinds =
    [
        "person", "company", "university", "research-institute", "government-body", "state-owned-enterprise", "intelligence-unit", "other",
    ];

    public const string Defendant = "defendant";
    public const string Victim = "victim";
    public const string CollectorEmployer = "collector-employer";
    public const string SponsoringUnit = "sponsoring-unit";

    /// <summary>
    /// The one declaration of the roles a case names entities in: each role's links follow the names of one case field (a list
    /// of <c>CaseRequest</c>), on every write and import. A new role is a line here and a list field of the case.
    /// </summary>
    public static readonly IReadOnlyList<NamedRole> NamedRoles =
    [
        new(Defendant, "defendants", "person", "defendantEntityIds"),
        new(Victim, "victims", "other", "victimEntityIds"),
        new(CollectorEmployer, "collectorEmployers", "company", "collectorEmployerEntityIds"),
        new(SponsoringUnit, "sponsoringUnits", "intelligence-unit", "sponsoringUnitEntityIds"),
    ];

    public static readonly IReadOnlyList<string> Roles = [.. NamedRoles.Select(r => r.Role)];

    /// <summary>The case fields whose names are links: a change to any of them makes the links follow.</summary>
    public static readonly IReadOnlyList<string> NameFields = [.. NamedRoles.Select(r => r.Field)];
}
