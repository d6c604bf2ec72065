using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>
/// A case's defendant and victim links follow its names: each name resolves to its entity (<see cref="EntityResolver"/>),
/// an unknown name makes one, and the links are changed to exactly those entities, in the case's own SaveChanges (so the
/// case's audit row covers them). A name that matches several entities changes nothing: the caller refuses the write.
/// </summary>
public static class EntityLinks
{
    public static async Task<IReadOnlyList<AmbiguousName>> FollowNamesAsync(
        CaseDbContext db, Case c, Func<Entity, AuditEvent> audit, DateTimeOffset now, CancellationToken ct)
    {
        var written = c.Defendants.Select(n => (n, EntityCodes.Defendant)).Concat(c.Victims.Select(n => (n, EntityCodes.Victim))).ToList();
        var resolution = await EntityResolver.ResolveAsync(db, written, now, ct);
        if (resolution.Ambiguous.Count > 0) return resolution.Ambiguous;

        foreach (var entity in resolution.Created)
        {
            db.Entities.Add(entity);
            db.AuditEvents.Add(audit(entity));
        }
        var wanted = written.Where(w => resolution.Resolved.ContainsKey(w.n)).Select(w => (Role: w.Item2, Id: resolution.Resolved[w.n])).ToHashSet();
        var current = db.Entry(c).State == EntityState.Added
            ? []
            : await db.CaseEntityLinks
                .Where(l => l.CaseId == c.Id && (l.Role == EntityCodes.Defendant || l.Role == EntityCodes.Victim)).ToListAsync(ct);
        db.CaseEntityLinks.RemoveRange(current.Where(l => !wanted.Contains((l.Role, l.EntityId))));
        foreach (var (role, id) in wanted.Where(w => !current.Any(l => l.Role == w.Role && l.EntityId == w.Id)))
        {
            db.CaseEntityLinks.Add(new CaseEntityLink { CaseId = c.Id, Role = role, EntityId = id });
        }
        return [];
    }

    /// <summary>An entity's writable fields as JSON, as its audit rows record them (create and delete, both sides of a diff).</summary>
    public static JsonObject Record(Entity e) => (JsonObject)JsonSerializer.SerializeToNode(
        new EntityRequest(e.Name, e.Kind, e.Slug, e.Aliases, e.Identifiers!, e.Country, e.Description, e.Sources), JsonSerializerOptions.Web)!;
}
