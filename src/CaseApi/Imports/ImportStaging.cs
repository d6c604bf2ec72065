using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Entities;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CaseApi.Imports;

/// <summary>
/// The SQL side of an import, inside the importer's transaction: valid rows stream through binary COPY into a
/// temporary staging table (ON COMMIT DROP, so nothing outlives the transaction), and everything after that is
/// set-based — matching against the stored cases, the row checks only the store can answer, the INSERT … ON CONFLICT
/// merge and the audit rows. Every statement is built once from the column map; no request value is ever in its text.
/// </summary>
internal sealed class ImportStaging : IAsyncDisposable
{
    private static readonly (CaseField Field, CaseDbColumn Column)[] Columns = [.. CaseColumns.DbColumns];
    private static readonly string ColumnList = string.Join(", ", Columns.Select(c => c.Column.Name));

    private static readonly string CreateSql = $"""
        CREATE TEMP TABLE import_staging ON COMMIT DROP AS
        SELECT 0 AS row_number, id, NULL::uuid AS given_id, 0::bigint AS present, {ColumnList},
               NULL::uuid AS existing_id, NULL::jsonb AS before, NULL::boolean AS changed
        FROM cases WITH NO DATA
        """;

    /// <summary>A field the row does not name keeps the stored value: an upsert changes only what the file names.</summary>
    private static string Merged(CaseField field, string column) => $"CASE WHEN s.present & {field.BitSql} = 0 THEN c.{column} ELSE s.{column} END";

    // Lock the matched cases first, so that what we fill, compare and diff is still true when we write.
    private static readonly string MatchSql = $"""
        SELECT 1 FROM cases c JOIN import_staging s ON s.slug = c.slug FOR UPDATE OF c;
        UPDATE import_staging s SET existing_id = c.id,
            {string.Join(", ", Columns.Select(c => $"{c.Column.Name} = {Merged(c.Field, c.Column.Name)}"))},
            before = {CaseColumns.SnapshotSql((_, column) => $"c.{column}")},
            changed = {CaseColumns.SnapshotSql((_, column) => $"c.{column}")} IS DISTINCT FROM {CaseColumns.SnapshotSql(Merged)}
        FROM cases c WHERE c.slug = s.slug
        """;

    private static readonly string After = CaseColumns.SnapshotSql((_, column) => $"s.{column}");


    /// <summary>
    /// The rows only the store can judge: (condition over s, field, message). Each failing row leaves the staging table.
    /// A name in a named role (defendants, victims, …) that matches several entities is one of them, listing the candidates.
    /// </summary>
    private static (SqlFragment Condition, string Field, SqlFragment Message)[] Checks(bool insertOnly, bool anyAmbiguous) =>
    [
        (SqlFragment.Of($"{insertOnly} AND s.existing_id IS NOT NULL"), "slug",
            Raw("format('A case with the slug ''%s'' already exists; mode=insert never overwrites (use mode=upsert).', s.slug)")),
        (SqlFragment.Raw("s.given_id <> s.existing_id"), "id",
            Raw("format('The id %s is not the id of the stored case ''%s'' (%s).', s.given_id, s.slug, s.existing_id)")),
        // A row that names listedIn alone keeps the stored evidence, which must still name only the case's lists.
        (SqlFragment.Raw("NOT (case_evidence_lists(s.list_evidence) <@ s.listed_in)"), "listEvidence",
            Raw("'Every list in ''listEvidence'' must also be in ''listedIn'': remove its evidence, or keep the list.'")),
        .. CaseColumns.Fields.Where(f => f.Required).Select(f => (SqlFragment.Raw($"s.existing_id IS NULL AND s.present & {f.BitSql} = 0"), f.Name,
            Raw($"'''{f.Name}'' is required: no case has this slug, so the row would create one.'"))),
        .. anyAmbiguous ? EntityLinks.RoleFields.Select(r => Ambiguous(r.Field)) : [],
    ];

    /// <summary>A row naming in the field a name that matched several entities (<see cref="ImportNames"/>), and their candidates.</summary>
    private static (SqlFragment, string, SqlFragment) Ambiguous(CaseField field)
    {
        var ambiguousIn = $"FROM import_names a WHERE a.message IS NOT NULL AND a.name = ANY(s.{field.Columns[0].Name})";
        return (Raw($"s.present & {field.BitSql} <> 0 AND EXISTS (SELECT {ambiguousIn})"), field.Name,
            Raw($"(SELECT string_agg(a.message, ' ' ORDER BY a.name) {ambiguousIn})"));
    }

    private static SqlFragment RejectedSql(bool insertOnly, bool anyAmbiguous, int limit) => SqlFragment.Of($"""
        WITH failed AS ({SqlFragment.Join(" UNION ALL ", Checks(insertOnly, anyAmbiguous).Select(c =>
            Raw($"SELECT s.row_number, s.slug, '{c.Field}' AS field, ") + c.Message
                + Raw(" AS message FROM import_staging s WHERE ") + c.Condition))})
        SELECT row_number AS row, slug, field, message, (SELECT count(DISTINCT row_number) FROM failed)::int AS total
        FROM failed ORDER BY row_number, field LIMIT {limit}
        """);

    private static SqlFragment RemoveRejectedSql(bool insertOnly, bool anyAmbiguous) =>
        SqlFragment.Raw("DELETE FROM import_staging s WHERE ")
        + SqlFragment.Join(" OR ", Checks(insertOnly, anyAmbiguous).Select(c => SqlFragment.Of($"({c.Condition})")));

    /// <summary>
    /// Each staged row's name lists in the named roles, as rows (role, names, given, role_order): given when the row names
    /// that field. The import's names (<see cref="ImportNames"/>) and <see cref="LinkSql"/> read the roles through it.
    /// </summary>
    internal static readonly string NamedRows = "(VALUES " + string.Join(", ",
        EntityLinks.RoleFields.Select((r, i) => $"('{r.Role}', s.{r.Field.Columns[0].Name}, s.present & {r.Field.BitSql} <> 0, {i})"))
        + ") r(role, names, given, role_order)";

    /// <summary>Each name of each staged row in the named roles, with its place in its list (w.name, w.place).</summary>
    internal static readonly string StagedNames =
        $"import_staging s CROSS JOIN LATERAL {NamedRows} CROSS JOIN LATERAL unnest(r.names) WITH ORDINALITY w(name, place)";

    /// <summary>
    /// The links in the named roles of the cases the merge created or changed, for the fields their rows name: exactly the
    /// entities their names resolved to (<see cref="ImportNames"/>). The cases' audit rows cover them.
    /// </summary>
    private static readonly string LinkSql = $"""
        WITH named AS (
            SELECT coalesce(s.existing_id, s.id) AS case_id, r.role, r.names
            FROM import_staging s CROSS JOIN LATERAL {NamedRows}
            WHERE r.given AND (s.existing_id IS NULL OR s.changed)),
        wanted AS (
            SELECT DISTINCT n.case_id, n.role, m.entity_id
            FROM named n CROSS JOIN LATERAL unnest(n.names) w(name)
            JOIN import_names m ON m.name = w.name AND m.entity_id IS NOT NULL),
        removed AS (
            DELETE FROM case_entities l USING named n
            WHERE l.case_id = n.case_id AND l.role = n.role
              AND NOT EXISTS (SELECT FROM wanted w WHERE w.case_id = l.case_id AND w.role = l.role AND w.entity_id = l.entity_id))
        INSERT INTO case_entities (case_id, role, entity_id) SELECT case_id, role, entity_id FROM wanted ON CONFLICT DO NOTHING
        """;

    /// <summary>
    /// (No brace may appear in these statements: EF formats raw SQL that has parameters, so '{}' would be a format item.)
    /// The fields that differ between two snapshots, as {"field": {"from": …, "to": …}}; against no snapshot (a create),
    /// the fields that have a value.
    /// </summary>
    private static string Diff(string before, string after) => $"""
        (SELECT coalesce(jsonb_object_agg(a.key, jsonb_build_object('from', b.value, 'to', a.value)), jsonb_build_object())
         FROM jsonb_each({after}) a LEFT JOIN jsonb_each({before}) b USING (key)
         WHERE a.value IS DISTINCT FROM b.value AND NOT (b.value IS NULL AND a.value IN ('null'::jsonb, '[]'::jsonb)))
        """;

    private static SqlFragment ChangesSql(int limit) => SqlFragment.Of($"""
        SELECT row_number AS row, slug, CASE WHEN existing_id IS NULL THEN 'create' ELSE 'update' END AS action,
               {Raw(Diff("coalesce(s.before, jsonb_build_object())", After))}::text AS fields
        FROM import_staging s WHERE existing_id IS NULL OR changed ORDER BY row_number LIMIT {limit}
        """);

    private static readonly string UpdateFromExcluded = string.Join(", ", Columns.Select(c => $"{c.Column.Name} = excluded.{c.Column.Name}"));

    private static SqlFragment MergeSql(DateTimeOffset now) => SqlFragment.Of($"""
        INSERT INTO cases (id, {Raw(ColumnList)}, created_at, updated_at)
        SELECT coalesce(existing_id, id), {Raw(ColumnList)}, {now}, {now} FROM import_staging
        WHERE existing_id IS NULL OR changed
        ON CONFLICT (slug) DO UPDATE SET {Raw(UpdateFromExcluded)}, updated_at = excluded.updated_at
        """);

    private static SqlFragment AuditSql(Guid importId, string actor, string requestId, DateTimeOffset now) => SqlFragment.Of($"""
        INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, request_id, import_id, changes)
        SELECT {now}, {actor}, CASE WHEN s.existing_id IS NULL THEN 'create' ELSE 'update' END, 'case',
               coalesce(s.existing_id, s.id)::text, {requestId}, {importId},
               CASE WHEN s.existing_id IS NULL THEN {Raw(After)} ELSE {Raw(Diff("s.before", After))} END
        FROM import_staging s
        WHERE s.existing_id IS NULL OR s.changed
        ORDER BY s.row_number
        """);

    private readonly CaseDbContext db;
    private NpgsqlBinaryImporter? copy;

    private ImportStaging(CaseDbContext db, NpgsqlBinaryImporter copy)
    {
        this.db = db;
        this.copy = copy;
    }

    /// <summary>Creates the staging table (typed exactly like cases) and opens the COPY into it; call inside a transaction.</summary>
    public static async Task<ImportStaging> BeginAsync(CaseDbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteAsync(Raw(CreateSql), ct);
        var copy = await db.Database.BeginBinaryCopyAsync(
            Raw($"COPY import_staging (row_number, id, given_id, present, {ColumnList}) FROM STDIN (FORMAT BINARY)"), ct);
        return new ImportStaging(db, copy);
    }

    /// <summary>Streams one valid row into the COPY: its number, a new id, the id it carries, the mask of the fields it names, its values.</summary>
    public async Task WriteAsync(ImportRow row, Case c, CancellationToken ct)
    {
        await copy!.StartRowAsync(ct);
        await copy.WriteAsync(row.Number, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
        if (row.Id is { } given) await copy.WriteAsync(given, NpgsqlDbType.Uuid, ct);
        else await copy.WriteNullAsync(ct);
        await copy.WriteAsync(row.Present.Stored, NpgsqlDbType.Bigint, ct);
        foreach (var (_, column) in Columns)
        {
            if (column.Value(c) is { } v) await copy.WriteAsync(v, column.Type, ct);
            else await copy.WriteNullAsync(ct);
        }
    }

    /// <summary>
    /// Ends the COPY and matches the staged rows to the stored cases by slug: the stored id, the fields the row does not
    /// name filled from the stored case, its state before, and whether the import changes it.
    /// </summary>
    public async Task MatchAsync(CancellationToken ct)
    {
        await copy!.CompleteAsync(ct);
        await copy.DisposeAsync();
        copy = null;
        // Temp tables are never auto-analysed; without statistics the planner would guess the join sizes below.
        // Only the join key: statistics on every array and jsonb column cost more than the joins they would inform.
        await db.Database.ExecuteAsync(Raw("ANALYZE import_staging (slug)"), ct);
        await db.Database.ExecuteAsync(Raw(MatchSql), ct);
    }

    /// <summary>
    /// The rows the store refuses — a known slug under mode=insert, an id that is not the stored case's, a new case
    /// without a required field — found in one query, counted, listed up to the limit, and removed from staging.
    /// </summary>
    public async Task<(int Count, List<ImportError> First)> RejectAsync(
        bool insertOnly, bool anyAmbiguous, int limit, CancellationToken ct)
    {
        var rows = await db.Database.Query<RejectedRow>(RejectedSql(insertOnly, anyAmbiguous, limit)).ToListAsync(ct);
        if (rows.Count > 0) await db.Database.ExecuteAsync(RemoveRejectedSql(insertOnly, anyAmbiguous), ct);
        return (rows.Count == 0 ? 0 : rows[0].Total, rows.ConvertAll(r => new ImportError(r.Row, r.Slug, r.Field, r.Message)));
    }

    public async Task<(int Created, int Updated, int Unchanged)> CountAsync(CancellationToken ct)
    {
        var counts = await db.Database.Query<StagedCounts>(Raw("""
            SELECT count(*) FILTER (WHERE existing_id IS NULL)::int AS created,
                   count(*) FILTER (WHERE changed)::int AS updated,
                   count(*) FILTER (WHERE NOT changed)::int AS unchanged
            FROM import_staging
            """)).SingleAsync(ct);
        return (counts.Created, counts.Updated, counts.Unchanged);
    }

    /// <summary>The first rows that would create or change a case, each with its field-level diff.</summary>
    public async Task<List<ImportChange>> ChangesAsync(int limit, CancellationToken ct)
    {
        var rows = await db.Database.Query<ChangeRow>(ChangesSql(limit)).ToListAsync(ct);
        return rows.ConvertAll(r => new ImportChange(r.Row, r.Slug, r.Action, JsonNode.Parse(r.Fields)!.AsObject()
            .ToDictionary(p => p.Key, p => new ImportFieldChange(p.Value?["from"]?.DeepClone(), p.Value?["to"]?.DeepClone()))));
    }

    /// <summary>
    /// Writes new and changed rows in one statement, then their audit rows in another. Unchanged rows are not
    /// touched at all, so their xmin (the ETag) stays as it was and they get no audit row.
    /// </summary>
    public async Task MergeAsync(Guid importId, string actor, string requestId, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteAsync(MergeSql(now), ct);
        await db.Database.ExecuteAsync(AuditSql(importId, actor, requestId, now), ct);
    }

    /// <summary>Makes the links of the created and changed cases follow their names (see <see cref="LinkSql"/>).</summary>
    public Task LinkEntitiesAsync(CancellationToken ct) => db.Database.ExecuteAsync(Raw(LinkSql), ct);

    private static SqlFragment Raw(string text) => SqlFragment.Raw(text);

    public async ValueTask DisposeAsync()
    {
        if (copy is not null) await copy.DisposeAsync();
    }

    private sealed record RejectedRow(int Row, string Slug, string Field, string Message, int Total);

    private sealed record StagedCounts(int Created, int Updated, int Unchanged);

    private sealed record ChangeRow(int Row, string Slug, string Action, string Fields);
}
