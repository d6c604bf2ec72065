using CaseApi.Infrastructure.Auth;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Audit;

/// <summary>
/// The current display names of actors: a person's from the people table, a key's from api_keys. Read when a page is shown,
/// so a rename shows everywhere at once; an actor with no such row (rows written before actors had ids, "system") has none.
/// </summary>
internal static class ActorNames
{
    public static async Task<IReadOnlyDictionary<string, string>> ResolveAsync(CaseDbContext db, IEnumerable<string> actors, CancellationToken ct)
    {
        var ids = actors.Distinct(StringComparer.Ordinal).ToList();
        var names = await db.People.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, StringComparer.Ordinal, ct);
        var keyIds = ids.Where(a => a.StartsWith(Actors.KeyPrefix, StringComparison.Ordinal))
            .Select(a => Guid.TryParse(a.AsSpan(Actors.KeyPrefix.Length), out var id) ? id : (Guid?)null).OfType<Guid>().ToList();
        if (keyIds.Count > 0)
        {
            foreach (var key in await db.ApiKeys.Where(k => keyIds.Contains(k.Id)).Select(k => new { k.Id, k.Name }).ToListAsync(ct))
            {
                names[Actors.ForKey(key.Id)] = key.Name;
            }
        }
        return names;
    }
}
