using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>
/// A case's links in the named roles (<see cref="EntityCodes.NamedRoles"/>: defendants, victims, collectors' employers,
/// sponsoring units) follow its names: each name resolves to its entity (<see cref="EntityResolver"/>), an unknown name makes
/// one, and the links are changed to exactly those entities, in the case's own SaveChanges (so the case's audit row covers
/// them). A name that matches several entities changes nothing: the caller refuses the write.
/// </summary>
public static class EntityLinks
{
    public static async Task<IReadOnlyList<AmbiguousName>> FollowNamesAsync(
        CaseDbContext db, Case c, Func<Entity, AuditEvent> audit, DateTimeOffset now, CancellationToken ct)
    {
        var written = Written(c).ToList();
        var resolution = await EntityResolver.ResolveAsync(db, written, now, ct);
        if (resolution.Ambiguous.Count > 0) return resolution.Ambiguous;

        foreach (var entity in resolution.Created)
        {
            db.Entities.Add(entity);
            db.AuditEvents.Add(audit(entity));
        }
        var wanted = written.Where(w => resolution.Resolved.ContainsKey(w.Name))
            .Select(w => (w.Role, Id: resolution.Resolved[w.Name])).ToHashSet();
        var current = db.Entry(c).State == EntityState.Added
            ? []
            : await db.CaseEntityLinks.Where(l => l.CaseId == c.Id && EntityCodes.Roles.Contains(l.Role)).ToListAsync(ct);
        db.CaseEntityLinks.RemoveRange(current.Where(l => !wanted.Contains((l.Role, l.EntityId))));
        foreach (var (role, id) in wanted.Where(w => !current.Any(l => l.Role == w.Role && l.EntityId == w.Id)))
        {
            db.CaseEntityLinks.Add(new CaseEntityLink { CaseId = c.Id, Role = role, EntityId = id });
        }
        return [];
    }

    /// <summary>Each named role (<see cref="EntityCodes.NamedRoles"/>) with the case field that holds its names.</summary>
    internal static readonly IReadOnlyList<(string Role, CaseField Field)> RoleFields =
        [.. EntityCodes.NamedRoles.Select(r => (r.Role, CaseColumns.ByName[r.Field]))];

    /// <summary>Every name the case writes in a named role, with the role (an import row's: only the fields it names).</summary>
    internal static IEnumerable<(string Name, string Role)> Written(Case c, CaseFieldMask? present = null) =>
        from r in RoleFields
        where present is not { } mask || mask.Includes(r.Field.Bit)
        from name in (string[])r.Field.Stored(c)!
        select (name, r.Role);

    /// <summary>An entity's writable fields as JSON, as its audit rows record them (create and delete, both sides of a diff).</summary>
    public static JsonObject Record(Entity e) => (JsonObject)JsonSerializer.SerializeToNode(
        new EntityRequest(e.Name, e.Kind, e.Slug, e.Aliases, e.Identifiers!, e.Country, e.Description, e.Sources,
            e.SponsorCode), JsonSerializerOptions.Web)!;
}
