using CaseApi.Entities;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Imports;

/// <summary>
/// The names an import's rows give in the named roles and the entities they make, in two temporary tables inside the
/// import's transaction (ON COMMIT DROP): <c>import_names</c> (each distinct name, the role of its first naming, the entity it
/// resolved to or why it could not be) and <c>import_entities</c> (the entities made for unknown names, with their audit
/// records). The names are resolved in batches of <see cref="NamesPerBatch"/> (<see cref="EntityResolver"/>), each batch
/// finding the entities earlier batches made through the second table, so the service holds one batch at a time: a file of
/// 50,000 cases names about 100,000 people the store does not know, and holding them all took tens of MB of memory.
/// </summary>
internal sealed class ImportNames(CaseDbContext db) : IMadeEntities
{
    /// <summary>Names per batch: a few MB of keys and candidates, and a few dozen index lookups.</summary>
    private const int NamesPerBatch = 5_000;

    /// <summary>Each name once, numbered in the order the file first gives it (row, role, place in the list), as one run would read them.</summary>
    private static readonly string CreateSql = $"""
        CREATE TEMP TABLE import_names ON COMMIT DROP AS
        SELECT name, role, row_number() OVER (ORDER BY first_row, role_order, place) AS ord, NULL::uuid AS entity_id, NULL::text AS message
        FROM (SELECT DISTINCT ON (w.name) w.name, r.role, s.row_number AS first_row, r.role_order, w.place
              FROM {ImportStaging.StagedNames}
              WHERE r.given ORDER BY w.name, s.row_number, r.role_order, w.place) first;
        CREATE UNIQUE INDEX ON import_names (name);
        CREATE UNIQUE INDEX ON import_names (ord);
        ANALYZE import_names;
        CREATE TEMP TABLE import_entities ON COMMIT DROP AS
        SELECT 0::bigint AS made, {EntityCopy.Columns}, NULL::jsonb AS record,
               NULL::int AS first_row, NULL::text AS first_name, NULL::text AS first_role
        FROM entities WITH NO DATA;
        CREATE UNIQUE INDEX ON import_entities (slug);
        CREATE INDEX ON import_entities USING gin (match_keys) WITH (fastupdate = off);
        """;

    /// <summary>
    /// Each made entity's first naming among the rows the store kept (row, role, place), as the report says it; an entity only
    /// refused rows name has none and is not made.
    /// </summary>
    private static readonly string KeepSql = $"""
        WITH first AS (
            SELECT DISTINCT ON (m.entity_id) m.entity_id, s.row_number, w.name, r.role
            FROM {ImportStaging.StagedNames} JOIN import_names m ON m.name = w.name
            WHERE r.given AND m.entity_id IS NOT NULL
            ORDER BY m.entity_id, s.row_number, r.role_order, w.place)
        UPDATE import_entities e SET first_row = f.row_number, first_name = f.name, first_role = f.role FROM first f WHERE f.entity_id = e.id
        """;

    private static readonly SqlFragment Columns = SqlFragment.Raw(EntityCopy.Columns);

    private long made;

    /// <summary>True when some name matched several entities: the store then refuses the rows that give it.</summary>
    public bool AnyAmbiguous { get; private set; }

    /// <summary>Collects the staged rows' names and resolves them, a batch at a time.</summary>
    public static async Task<ImportNames> ResolveAsync(CaseDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var names = new ImportNames(db);
        await db.Database.ExecuteAsync(SqlFragment.Raw(CreateSql), ct);
        // Every statement of the resolution reads a few rows by an index. The planner's statistics cannot know that: the
        // temporary tables have none, and the entities a previous import made are not yet analysed, so it took a lookup of
        // 500 keys for a scan of every entity (0.4-1 s each, hundreds per file) where the index answers in milliseconds.
        await db.Database.ExecuteAsync(SqlFragment.Raw("SET LOCAL enable_seqscan = off"), ct);
        for (long after = 0; ;)
        {
            var batch = await db.Database.Query<NameRow>(SqlFragment.Of(
                $"SELECT name, role, ord FROM import_names WHERE ord > {after} ORDER BY ord LIMIT {NamesPerBatch}")).ToListAsync(ct);
            if (batch.Count == 0)
            {
                await db.Database.ExecuteAsync(SqlFragment.Raw("RESET enable_seqscan"), ct);
                return names;
            }
            after = batch[^1].Ord;
            var resolution = await EntityResolver.ResolveAsync(db, batch.Select(n => (n.Name, n.Role)), names, now, ct);
            await EntityCopy.CopyAsync(db, "import_entities", resolution.Created, names.made, ct);
            names.made += resolution.Created.Count;
            await names.RecordAsync(resolution, ct);
        }
    }

    private async Task RecordAsync(NameResolution resolution, CancellationToken ct)
    {
        if (resolution.Resolved.Count > 0)
        {
            await db.Database.ExecuteAsync(SqlFragment.Of($"""
                UPDATE import_names m SET entity_id = r.id
                FROM unnest({resolution.Resolved.Keys.ToArray()}::text[], {resolution.Resolved.Values.ToArray()}::uuid[]) r(name, id)
                WHERE m.name = r.name
                """), ct);
        }
        if (resolution.Ambiguous.Count > 0)
        {
            AnyAmbiguous = true;
            await db.Database.ExecuteAsync(SqlFragment.Of($"""
                UPDATE import_names m SET message = r.message
                FROM unnest({resolution.Ambiguous.Select(a => a.Name).ToArray()}::text[],
                            {resolution.Ambiguous.Select(a => a.Message).ToArray()}::text[]) r(name, message)
                WHERE m.name = r.name
                """), ct);
        }
    }

    public Task<List<KnownEntity>> WithAnyKeyAsync(string[] keys, CancellationToken ct) =>
        db.Database.Query<KnownEntity>(SqlFragment.Of(
            $"SELECT id, slug, name, match_keys, made FROM import_entities WHERE match_keys && {keys}")).ToListAsync(ct);

    public Task<List<string>> TakenSlugsAsync(string[] slugs, CancellationToken ct) =>
        db.Database.Query<string>(SqlFragment.Of(
            $"SELECT slug AS \"Value\" FROM import_entities WHERE slug = ANY({slugs})")).ToListAsync(ct);

    /// <summary>After the store's rejections: which made entities the kept rows name, and where first.</summary>
    public Task KeepAsync(CancellationToken ct) => db.Database.ExecuteAsync(SqlFragment.Raw(KeepSql), ct);

    /// <summary>
    /// Writes the kept entities and their audit rows, in the order of their first naming; the history captures them by its triggers.
    /// </summary>
    public Task InsertAsync(Guid importId, string actor, string requestId, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteAsync(SqlFragment.Of($"""
            INSERT INTO entities ({Columns})
            SELECT {Columns} FROM import_entities WHERE first_row IS NOT NULL ORDER BY first_row, made;
            INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, request_id, import_id, changes)
            SELECT {now}, {actor}, 'create', 'entity', id::text, {requestId}, {importId}, record
            FROM import_entities WHERE first_row IS NOT NULL ORDER BY first_row, made
            """), ct);

    /// <summary>The first kept entities in the order of their first naming (ids only when they were written), and how many there are.</summary>
    public async Task<(List<ImportNewEntity> First, int Count)> ReportAsync(int limit, bool written, CancellationToken ct)
    {
        var rows = await db.Database.Query<MadeRow>(SqlFragment.Of($"""
            SELECT first_row AS row, first_name AS name, first_role AS role, slug, kind, id, count(*) OVER ()::int AS total
            FROM import_entities WHERE first_row IS NOT NULL ORDER BY first_row, made LIMIT {limit}
            """)).ToListAsync(ct);
        var first = rows.ConvertAll(r => new ImportNewEntity(r.Row, r.Name, r.Role, r.Slug, r.Kind, written ? r.Id : null));
        return (first, rows.Count == 0 ? 0 : rows[0].Total);
    }

    private sealed record NameRow(string Name, string Role, long Ord);

    private sealed record MadeRow(int Row, string Name, string Role, string Slug, string Kind, Guid Id, int Total);
}
