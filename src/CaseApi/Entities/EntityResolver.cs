using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>An entity offered for a name, as a name that matches several is reported.</summary>
public sealed record EntityCandidate(Guid Id, string Slug, string Name);

/// <summary>A written name that matches several entities: never resolved silently.</summary>
public sealed record AmbiguousName(string Name, IReadOnlyList<EntityCandidate> Candidates)
{
    /// <summary>The sentence a problem or an import row error says.</summary>
    public string Message => $"'{Name}' matches several entities: "
        + string.Join(", ", Candidates.Select(c => $"{c.Name} ({c.Slug}, {c.Id})"))
        + ". Write the name of one of them exactly, or merge them.";
}

/// <summary>What became of a set of written names: the entity of each, the entities made for unknown names, and the ambiguous names.</summary>
public sealed record NameResolution(
    IReadOnlyDictionary<string, Guid> Resolved, IReadOnlyList<Entity> Created, IReadOnlyList<AmbiguousName> Ambiguous);

/// <summary>
/// Resolves names written in cases (defendants, victims) to entities, many at once in one query: a name whose keys
/// (<see cref="EntityNames"/>) one entity has is that entity; several, and the one whose name is written exactly so wins, else
/// the name is ambiguous; none, and a new entity is made for it (added to the context, not saved). Names with the same keys
/// share the entity made for the first of them.
/// </summary>
public static class EntityResolver
{
    public static async Task<NameResolution> ResolveAsync(
        CaseDbContext db, IEnumerable<(string Name, string Role)> written, DateTimeOffset now, CancellationToken ct)
    {
        var names = written.Where(n => !string.IsNullOrWhiteSpace(n.Name)).DistinctBy(n => n.Name, StringComparer.Ordinal).ToList();
        var keysOf = names.ToDictionary(n => n.Name, n => EntityNames.LookupKeys(n.Name), StringComparer.Ordinal);
        var allKeys = keysOf.Values.SelectMany(k => k).Distinct(StringComparer.Ordinal).ToArray();
        var known = new List<(Guid Id, string Slug, string Name, string[] MatchKeys)>();
        foreach (var chunk in allKeys.Chunk(KeysPerLookup))
        {
            var found = await db.Entities.AsNoTracking().Where(e => e.MergedInto == null && e.MatchKeys.Any(k => chunk.Contains(k)))
                .Select(e => new { e.Id, e.Slug, e.Name, e.MatchKeys }).ToListAsync(ct);
            known.AddRange(found.Select(e => (e.Id, e.Slug, e.Name, e.MatchKeys)));
        }
        known = [.. known.DistinctBy(e => e.Id)];

        // Every key to the stored entities and to the entities made here that have it: each name is then a few lookups.
        var storedByKey = known.SelectMany(e => e.MatchKeys.Select(k => (Key: k, Entity: e)))
            .ToLookup(p => p.Key, p => p.Entity, StringComparer.Ordinal);
        var madeByKey = new Dictionary<string, Entity>(StringComparer.Ordinal);
        var resolved = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var created = new List<Entity>();
        var ambiguous = new List<AmbiguousName>();
        foreach (var (name, role) in names)
        {
            var keys = keysOf[name];
            var candidates = keys.SelectMany(k => storedByKey[k]).DistinctBy(e => e.Id).ToList();
            var madeHere = keys.Select(k => madeByKey.GetValueOrDefault(k)).FirstOrDefault(e => e is not null);
            if (candidates is [var only]) resolved[name] = only.Id;
            else if (candidates.Count > 1)
            {
                if (candidates.Where(c => c.Name == name).ToList() is [var exact]) resolved[name] = exact.Id;
                else ambiguous.Add(new AmbiguousName(name, [.. candidates.Select(c => new EntityCandidate(c.Id, c.Slug, c.Name))]));
            }
            else if (madeHere is not null) resolved[name] = madeHere.Id;
            else if (keys.Length > 0)
            {
                var kind = EntityNames.KindFor(name, role);
                var entity = new Entity
                {
                    Id = Guid.CreateVersion7(now), Kind = kind, Name = name.Trim(), Slug = EntityNames.SlugFor(name),
                    // A name read both ways must find what it made under either reading.
                    MatchKeys = [.. EntityNames.MatchKeys(kind, name, []).Union(keys, StringComparer.Ordinal)], CreatedAt = now, UpdatedAt = now,
                };
                created.Add(entity);
                foreach (var key in entity.MatchKeys) madeByKey.TryAdd(key, entity);
                resolved[name] = entity.Id;
            }
        }
        await FreeSlugsAsync(db, created, ct);
        return new NameResolution(resolved, created, ambiguous);
    }

    /// <summary>
    /// Keys per lookup (<c>match_keys &amp;&amp; keys</c> on the GIN index). The index's overlap check compares each candidate with
    /// every key asked, so one lookup with an import's tens of thousands of keys is quadratic: 50,000 keys over 100,000
    /// entities took 46.7 s in one statement. In lookups of 500 keys each the work grows with the keys, not their square.
    /// </summary>
    private const int KeysPerLookup = 500;

    /// <summary>
    /// Gives every new entity a slug no other entity has: its name's slug, or when that is taken (in the store or in the
    /// batch) the slug followed by the end of its id. One query for the whole batch.
    /// </summary>
    private static async Task FreeSlugsAsync(CaseDbContext db, List<Entity> created, CancellationToken ct)
    {
        if (created.Count == 0) return;
        var wanted = created.Select(e => e.Slug).Distinct(StringComparer.Ordinal).ToArray();
        var taken = (await db.Entities.AsNoTracking().Where(e => wanted.Contains(e.Slug)).Select(e => e.Slug).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var entity in created)
        {
            if (!taken.Add(entity.Slug)) entity.Slug = $"{entity.Slug[..Math.Min(entity.Slug.Length, 100)]}-{entity.Id.ToString("N")[^12..]}";
        }
    }
}
