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

/// <summary>An entity a name can resolve to, stored or made earlier in the same run (then <paramref name="Made"/> orders them).</summary>
public sealed record KnownEntity(Guid Id, string Slug, string Name, string[] MatchKeys, long Made = 0);

/// <summary>
/// Where a resolution run that goes in batches keeps the entities its earlier batches made (an import's temporary table), so
/// that a later name finds them as a single run would, and their slugs stay free.
/// </summary>
public interface IMadeEntities
{
    /// <summary>The entities made so far that have any of the keys.</summary>
    Task<List<KnownEntity>> WithAnyKeyAsync(string[] keys, CancellationToken ct);

    /// <summary>Which of the slugs the entities made so far have.</summary>
    Task<List<string>> TakenSlugsAsync(string[] slugs, CancellationToken ct);
}

/// <summary>
/// Resolves names written in cases (defendants, victims, …) to entities, many at once: a name whose keys
/// (<see cref="EntityNames"/>) one entity has is that entity; several, and the one whose name is written exactly so wins, else
/// the name is ambiguous; none, and it is the entity made for an earlier name with the same keys, or a new entity is made for
/// it (returned, not saved). A single write resolves its names in one run; an import in batches of a bounded size, the
/// entities made by earlier batches kept in the store (<see cref="IMadeEntities"/>), so its memory does not grow with the file.
/// </summary>
public static class EntityResolver
{
    public static Task<NameResolution> ResolveAsync(
        CaseDbContext db, IEnumerable<(string Name, string Role)> written, DateTimeOffset now, CancellationToken ct) =>
        ResolveAsync(db, written, madeBefore: null, now, ct);

    /// <summary>One batch of names, after the batches whose entities <paramref name="madeBefore"/> holds.</summary>
    public static async Task<NameResolution> ResolveAsync(
        CaseDbContext db, IEnumerable<(string Name, string Role)> written, IMadeEntities? madeBefore, DateTimeOffset now, CancellationToken ct)
    {
        var names = written.Where(n => !string.IsNullOrWhiteSpace(n.Name)).DistinctBy(n => n.Name, StringComparer.Ordinal).ToList();
        var keysOf = names.ToDictionary(n => n.Name, n => EntityNames.LookupKeys(n.Name), StringComparer.Ordinal);
        var allKeys = keysOf.Values.SelectMany(k => k).Distinct(StringComparer.Ordinal).ToArray();
        var stored = await InLookupsAsync(allKeys, async chunk => (await db.Entities.AsNoTracking()
                .Where(e => e.MatchKeys.Any(k => chunk.Contains(k)))
                .Select(e => new { e.Id, e.Slug, e.Name, e.MatchKeys, e.MergedInto }).ToListAsync(ct))
            // Merged entities are left out here rather than in SQL: a condition on merged_into offers the planner that column's
            // index, which it prefers to the match keys' when the statistics predate a large import (see ImportNames).
            .Where(e => e.MergedInto == null).Select(e => new KnownEntity(e.Id, e.Slug, e.Name, e.MatchKeys)).ToList());
        var earlier = madeBefore is null ? [] : await InLookupsAsync(allKeys, chunk => madeBefore.WithAnyKeyAsync(chunk, ct));

        // Every key to the stored entities that have it, and to the first entity made (before or here) with it.
        var storedByKey = stored.SelectMany(e => e.MatchKeys.Select(k => (Key: k, Entity: e)))
            .ToLookup(p => p.Key, p => p.Entity, StringComparer.Ordinal);
        var madeByKey = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var e in earlier.OrderBy(e => e.Made)) foreach (var key in e.MatchKeys) madeByKey.TryAdd(key, e.Id);
        var resolved = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var created = new List<Entity>();
        var ambiguous = new List<AmbiguousName>();
        foreach (var (name, role) in names)
        {
            var keys = keysOf[name];
            var candidates = keys.SelectMany(k => storedByKey[k]).DistinctBy(e => e.Id).ToList();
            if (candidates is [var only]) resolved[name] = only.Id;
            else if (candidates.Count > 1)
            {
                if (candidates.Where(c => c.Name == name).ToList() is [var exact]) resolved[name] = exact.Id;
                else ambiguous.Add(new AmbiguousName(name, [.. candidates.Select(c => new EntityCandidate(c.Id, c.Slug, c.Name))]));
            }
            else if (keys.Select(k => madeByKey.GetValueOrDefault(k)).FirstOrDefault(id => id != Guid.Empty) is var made && made != Guid.Empty)
            {
                resolved[name] = made;
            }
            else if (keys.Length > 0)
            {
                var entity = Made(name, role, keys, now);
                created.Add(entity);
                foreach (var key in entity.MatchKeys) madeByKey.TryAdd(key, entity.Id);
                resolved[name] = entity.Id;
            }
        }
        await FreeSlugsAsync(db, created, madeBefore, ct);
        return new NameResolution(resolved, created, ambiguous);
    }

    /// <summary>
    /// The entity a name no entity has makes: the kind its role and legal form say, its name's slug (freed later if taken), and
    /// its keys (<paramref name="keys"/>, <see cref="EntityNames.LookupKeys"/>) under both readings, so that it is found by either.
    /// </summary>
    public static Entity Made(string name, string role, string[] keys, DateTimeOffset now)
    {
        var kind = EntityNames.KindFor(name, role);
        return new Entity
        {
            Id = Guid.CreateVersion7(now), Kind = kind, Name = name.Trim(), Slug = EntityNames.SlugFor(name),
            MatchKeys = [.. EntityNames.MatchKeys(kind, name, []).Union(keys, StringComparer.Ordinal)], CreatedAt = now, UpdatedAt = now,
        };
    }

    /// <summary>
    /// Keys per lookup (<c>match_keys &amp;&amp; keys</c> on the GIN index). The index's overlap check compares each candidate with
    /// every key asked, so one lookup with an import's tens of thousands of keys is quadratic: 50,000 keys over 100,000
    /// entities took 46.7 s in one statement. In lookups of 500 keys each the work grows with the keys, not their square.
    /// </summary>
    private const int KeysPerLookup = 500;

    private static async Task<List<KnownEntity>> InLookupsAsync(string[] keys, Func<string[], Task<List<KnownEntity>>> lookup)
    {
        var found = new List<KnownEntity>();
        foreach (var chunk in keys.Chunk(KeysPerLookup)) found.AddRange(await lookup(chunk));
        return [.. found.DistinctBy(e => e.Id)];
    }

    /// <summary>
    /// Gives every new entity a slug no other entity has: its name's slug, or when that is taken (in the store, by an entity
    /// an earlier batch made, or in this batch) the slug followed by the end of its id. One query for the whole batch.
    /// </summary>
    private static async Task FreeSlugsAsync(CaseDbContext db, List<Entity> created, IMadeEntities? madeBefore, CancellationToken ct)
    {
        if (created.Count == 0) return;
        var wanted = created.Select(e => e.Slug).Distinct(StringComparer.Ordinal).ToArray();
        var taken = (await db.Entities.AsNoTracking().Where(e => wanted.Contains(e.Slug)).Select(e => e.Slug).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        if (madeBefore is not null) taken.UnionWith(await madeBefore.TakenSlugsAsync(wanted, ct));
        foreach (var entity in created)
        {
            if (!taken.Add(entity.Slug)) entity.Slug = $"{entity.Slug[..Math.Min(entity.Slug.Length, 100)]}-{entity.Id.ToString("N")[^12..]}";
        }
    }
}
