namespace CaseApi.Entities;

/// <summary>
/// A case names an entity in a role. Defendant and victim links follow the case's <c>defendants</c> and <c>victims</c>
/// names (each written name resolves to one entity); the other roles are set on their own.
/// </summary>
public sealed class CaseEntityLink
{
    public Guid CaseId { get; set; }
    public string Role { get; set; } = "";
    public Guid EntityId { get; set; }
}
