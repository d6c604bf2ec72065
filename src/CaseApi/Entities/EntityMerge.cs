using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Infrastructure.Errors;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>What a merge came to: done (with the survivor and the links it took over), or why it was refused.</summary>
public abstract record EntityMergeOutcome
{
    public sealed record Merged(Entity Into, Guid From, int MovedLinks, int DroppedLinks) : EntityMergeOutcome;

    public sealed record NotFound(string IdOrSlug) : EntityMergeOutcome;

    /// <summary>Refused: a precise problem code and the sentence that explains it.</summary>
    public sealed record Refused(string Code, string Detail) : EntityMergeOutcome;
}

/// <summary>
/// Merges one entity (the loser) into another (the survivor), in one SaveChanges and so one transaction: the loser's case
/// links move to the survivor by role (a link the survivor already has is dropped, never doubled), the loser's name and
/// aliases become aliases of the survivor (so the names cases write keep finding it), missing identifiers, sources, country
/// and description are filled in, and the loser keeps its row with <see cref="Entity.MergedInto"/> so its id and slug still
/// answer (with a redirect). Entities merged into the loser before follow it to the survivor: a redirect is one hop.
/// Kinds must agree, except that <c>other</c> (the kind an unknown name gets) merges into any kind. Both rows are updated,
/// so their xmin tokens make a concurrent merge or edit of either a 409 instead of a cycle.
/// </summary>
public static class EntityMerge
{
    public static async Task<EntityMergeOutcome> RunAsync(
        CaseDbContext db, string idOrSlug, string intoIdOrSlug, Func<string, Guid, JsonObject, AuditEvent> audit, DateTimeOffset now,
        CancellationToken ct)
    {
        var loser = await db.Entities.FirstOrDefaultAsync(EntityReads.Matching(idOrSlug), ct);
        if (loser is null) return new EntityMergeOutcome.NotFound(idOrSlug);
        var winner = await db.Entities.FirstOrDefaultAsync(EntityReads.Matching(intoIdOrSlug), ct);
        if (winner is null) return new EntityMergeOutcome.NotFound(intoIdOrSlug);
        if (Refusal(loser, winner) is { } refused) return refused;

        var winnerBefore = EntityLinks.Record(winner);
        var (moved, dropped) = await MoveLinksAsync(db, loser.Id, winner.Id, ct);
        TakeOver(winner, loser);
        winner.UpdatedAt = now;
        loser.MergedInto = winner.Id;
        loser.UpdatedAt = now;
        var winnerChanges = AuditTrail.Diff(winnerBefore, EntityLinks.Record(winner));
        winnerChanges["mergedFrom"] = new JsonObject { ["from"] = null, ["to"] = loser.Id.ToString() };
        db.AuditEvents.Add(audit("merge", loser.Id, MergedIntoChange(null, winner.Id)));
        db.AuditEvents.Add(audit("merge", winner.Id, winnerChanges));
        foreach (var earlier in await db.Entities.Where(e => e.MergedInto == loser.Id).ToListAsync(ct))
        {
            earlier.MergedInto = winner.Id;
            db.AuditEvents.Add(audit("update", earlier.Id, MergedIntoChange(loser.Id, winner.Id)));
        }
        await db.SaveChangesAsync(ct);
        return new EntityMergeOutcome.Merged(winner, loser.Id, moved, dropped);
    }

    private static EntityMergeOutcome.Refused? Refusal(Entity loser, Entity winner)
    {
        if (loser.Id == winner.Id) return new(ProblemCodes.MergeIntoItself, $"'{loser.Slug}' cannot be merged into itself.");
        if (loser.MergedInto is { } before) return new(ProblemCodes.EntityMerged, $"'{loser.Slug}' was already merged into {before}.");
        if (winner.MergedInto is { } survivor)
        {
            return new(ProblemCodes.EntityMerged, $"'{winner.Slug}' was merged into {survivor}; merge into that entity instead.");
        }
        return loser.Kind == winner.Kind || loser.Kind == "other"
            ? null
            : new(ProblemCodes.KindMismatch,
                $"'{loser.Slug}' is a {loser.Kind} and '{winner.Slug}' a {winner.Kind}; correct one kind with PUT first.");
    }

    /// <summary>Moves every case link of the loser to the survivor in the same role, unless the survivor already has it.</summary>
    private static async Task<(int Moved, int Dropped)> MoveLinksAsync(CaseDbContext db, Guid loser, Guid winner, CancellationToken ct)
    {
        var links = await db.CaseEntityLinks.Where(l => l.EntityId == loser).ToListAsync(ct);
        var cases = links.Select(l => l.CaseId).Distinct().ToList();
        var held = (await db.CaseEntityLinks.AsNoTracking().Where(l => l.EntityId == winner && cases.Contains(l.CaseId))
            .Select(l => new { l.CaseId, l.Role }).ToListAsync(ct)).Select(l => (l.CaseId, l.Role)).ToHashSet();
        db.CaseEntityLinks.RemoveRange(links);
        var moved = links.Where(l => !held.Contains((l.CaseId, l.Role))).ToList();
        db.CaseEntityLinks.AddRange(moved.Select(l => new CaseEntityLink { CaseId = l.CaseId, Role = l.Role, EntityId = winner }));
        return (moved.Count, links.Count - moved.Count);
    }

    /// <summary>The survivor takes the loser's spellings and fills what it lacks; what it has is kept.</summary>
    private static void TakeOver(Entity winner, Entity loser)
    {
        winner.Aliases = [.. winner.Aliases.Concat(loser.Aliases.Prepend(loser.Name))
            .Where(a => a != winner.Name).Distinct(StringComparer.Ordinal)];
        winner.Identifiers = new Dictionary<string, string>(
            loser.Identifiers.Where(p => !winner.Identifiers.ContainsKey(p.Key)).Concat(winner.Identifiers));
        winner.Sources = [.. winner.Sources.Union(loser.Sources, StringComparer.Ordinal)];
        winner.Country ??= loser.Country;
        winner.Description ??= loser.Description;
        winner.SponsorCode ??= loser.SponsorCode;
        winner.MatchKeys = EntityNames.MatchKeys(winner.Kind, winner.Name, winner.Aliases);
    }

    private static JsonObject MergedIntoChange(Guid? from, Guid to) =>
        new() { ["mergedInto"] = new JsonObject { ["from"] = from?.ToString(), ["to"] = to.ToString() } };
}
