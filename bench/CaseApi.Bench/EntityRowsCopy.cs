using CaseApi.Cases;
using CaseApi.Entities;
using Npgsql;
using NpgsqlTypes;

namespace CaseApi.Bench;

/// <summary>
/// The rest of the import reference: the rows an import of these cases writes besides the cases themselves, by binary COPY.
/// Each name the cases give in a named role makes one entity (as the first import into an empty store makes them: the kind,
/// slug and keys of <see cref="EntityResolver.Made"/>), and each case a link to each entity it names. The import writes
/// these too (the generator names two or three people a case, so about two entities and three links a row), and a reference
/// without them would charge their cost to the import's validation and staging.
/// </summary>
internal static class EntityRowsCopy
{
    public static async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<CaseRequest> cases, IReadOnlyList<Guid> caseIds, DateTimeOffset now)
    {
        var entities = new Dictionary<string, Entity>(StringComparer.Ordinal);
        var links = new HashSet<(Guid Case, string Role, Guid Entity)>();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            foreach (var (role, names) in new[] { ("defendant", c.Defendants), ("victim", c.Victims),
                         ("collector-employer", c.CollectorEmployers), ("sponsoring-unit", c.SponsoringUnits) })
            {
                foreach (var name in names?.OfType<string>() ?? [])
                {
                    if (!entities.TryGetValue(name, out var entity))
                    {
                        entities[name] = entity = EntityResolver.Made(name, role, EntityNames.LookupKeys(name), now);
                        // Rolled back each time, but an earlier stage's import may hold the slug ("boeing"): never the same one.
                        entity.Slug = $"{entity.Slug}-{entity.Id.ToString("N")[^12..]}";
                    }
                    links.Add((caseIds[i], role, entity.Id));
                }
            }
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY entities (id, slug, kind, name, aliases, identifiers, sources, match_keys, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var e in entities.Values)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(e.Slug, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Kind, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Name, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Aliases, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await copy.WriteAsync(e.Sources, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync(e.MatchKeys, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await connection.BeginBinaryImportAsync("COPY case_entities (case_id, role, entity_id) FROM STDIN (FORMAT BINARY)"))
        {
            // In key order, as the import's INSERT … SELECT DISTINCT writes them: the link table's indexes then grow at their ends.
            foreach (var (caseId, role, entityId) in links.OrderBy(l => l.Case).ThenBy(l => l.Role, StringComparer.Ordinal).ThenBy(l => l.Entity))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(caseId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(role, NpgsqlDbType.Varchar);
                await copy.WriteAsync(entityId, NpgsqlDbType.Uuid);
            }
            await copy.CompleteAsync();
        }
    }
}
