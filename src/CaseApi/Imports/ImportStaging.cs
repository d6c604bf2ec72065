using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CaseApi.Imports;

/// <summary>
/// The write side of an import, inside the caller's transaction: valid rows stream through binary COPY into a
/// temporary staging table (ON COMMIT DROP, so nothing outlives the transaction), and everything after that is
/// set-based SQL — classification against the stored cases, the INSERT … ON CONFLICT merge and the audit rows.
/// EF change tracking would cost a round trip and a snapshot per row; COPY costs neither.
/// </summary>
internal sealed class ImportStaging : IAsyncDisposable
{
    /// <summary>The writable columns of cases, in COPY order; id, timestamps, xmin and the search vector are the server's.</summary>
    private static readonly (string Column, NpgsqlDbType Type, Func<Case, object?> Value)[] Columns =
    [
        ("slug", NpgsqlDbType.Text, c => c.Slug),
        ("title", NpgsqlDbType.Text, c => c.Title),
        ("summary", NpgsqlDbType.Text, c => c.Summary),
        ("activity_types", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.ActivityTypes),
        ("tradecraft", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.Tradecraft),
        ("sponsor_code", NpgsqlDbType.Text, c => c.SponsorCode),
        ("sponsor_confidence", NpgsqlDbType.Text, c => c.SponsorConfidence),
        ("collector_type", NpgsqlDbType.Text, c => c.CollectorType),
        ("collector_citizenship", NpgsqlDbType.Text, c => c.CollectorCitizenship),
        ("defendants", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.Defendants),
        ("sectors", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.Sectors),
        ("victim_types", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.VictimTypes),
        ("victims", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.Victims),
        ("us_states", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.UsStates),
        ("venue", NpgsqlDbType.Text, c => c.Venue),
        ("activity_start", NpgsqlDbType.Date, c => c.ActivityStart),
        ("activity_start_precision", NpgsqlDbType.Text, c => c.ActivityStartPrecision?.ToString()),
        ("activity_end", NpgsqlDbType.Date, c => c.ActivityEnd),
        ("activity_end_precision", NpgsqlDbType.Text, c => c.ActivityEndPrecision?.ToString()),
        ("charged_on", NpgsqlDbType.Date, c => c.ChargedOn),
        ("charged_on_precision", NpgsqlDbType.Text, c => c.ChargedOnPrecision?.ToString()),
        ("resolved_on", NpgsqlDbType.Date, c => c.ResolvedOn),
        ("resolved_on_precision", NpgsqlDbType.Text, c => c.ResolvedOnPrecision?.ToString()),
        ("outcome", NpgsqlDbType.Text, c => c.Outcome),
        ("sentence_months", NpgsqlDbType.Integer, c => c.SentenceMonths),
        ("fine_usd", NpgsqlDbType.Numeric, c => c.FineUsd),
        ("loss_usd", NpgsqlDbType.Numeric, c => c.LossUsd),
        ("sources", NpgsqlDbType.Jsonb, c => JsonSerializer.Serialize(c.Sources, CaseConfiguration.SourceJson)),
        ("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.Tags),
        ("listed_in", NpgsqlDbType.Array | NpgsqlDbType.Text, c => c.ListedIn),
    ];

    private static readonly string ColumnList = string.Join(", ", Columns.Select(c => c.Column));

    // The statements are built once from the column table above; no value from a request is ever part of their text.
    private static readonly string CreateSql = $"""
        CREATE TEMP TABLE import_staging ON COMMIT DROP AS
        SELECT 0 AS row_number, id, {ColumnList}, NULL::uuid AS existing_id, NULL::jsonb AS before, NULL::boolean AS changed
        FROM cases WITH NO DATA
        """;

    // Lock the matched cases first, so that what we classify and diff is still true when we write.
    private static readonly string ClassifySql = $"""
        SELECT 1 FROM cases c JOIN import_staging s ON s.slug = c.slug FOR UPDATE OF c;
        UPDATE import_staging s SET existing_id = c.id, before = {Snapshot("c")}, changed = {Snapshot("c")} IS DISTINCT FROM {Snapshot("s")}
        FROM cases c WHERE c.slug = s.slug;
        """;

    private static readonly string MergeSql = $"""
        INSERT INTO cases (id, {ColumnList}, created_at, updated_at)
        SELECT coalesce(existing_id, id), {ColumnList}, @now, @now FROM import_staging
        WHERE existing_id IS NULL OR changed
        ON CONFLICT (slug) DO UPDATE SET {string.Join(", ", Columns.Select(c => $"{c.Column} = excluded.{c.Column}"))}, updated_at = excluded.updated_at
        WHERE ROW({string.Join(", ", Columns.Select(c => $"cases.{c.Column}"))}) IS DISTINCT FROM ROW({string.Join(", ", Columns.Select(c => $"excluded.{c.Column}"))})
        """;

    private static readonly string AuditSql = $"""
        INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, request_id, import_id, changes)
        SELECT @now, @actor, CASE WHEN s.existing_id IS NULL THEN 'create' ELSE 'update' END, 'case',
               coalesce(s.existing_id, s.id)::text, @request, @import,
               CASE WHEN s.existing_id IS NULL THEN {Snapshot("s")} ELSE (
                   SELECT jsonb_object_agg(a.key, jsonb_build_object('from', b.value, 'to', a.value))
                   FROM jsonb_each(s.before) b JOIN jsonb_each({Snapshot("s")}) a USING (key)
                   WHERE a.value IS DISTINCT FROM b.value) END
        FROM import_staging s
        WHERE s.existing_id IS NULL OR s.changed
        ORDER BY s.row_number
        """;

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
        await db.Database.ExecuteSqlRawAsync(CreateSql, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copy = await connection.BeginBinaryImportAsync($"COPY import_staging (row_number, id, {ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        return new ImportStaging(db, copy);
    }

    public async Task WriteAsync(int number, Case c, CancellationToken ct)
    {
        await copy!.StartRowAsync(ct);
        await copy.WriteAsync(number, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
        foreach (var (_, type, value) in Columns)
        {
            if (value(c) is { } v) await copy.WriteAsync(v, type, ct);
            else await copy.WriteNullAsync(ct);
        }
    }

    /// <summary>Ends the COPY and marks staged rows whose slug exists: the stored id, its state before, and whether the import changes it.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await copy!.CompleteAsync(ct);
        await copy.DisposeAsync();
        copy = null;
        // Temp tables are never auto-analysed; without statistics the planner would guess the join sizes below.
        // Only the join key: statistics on every array and jsonb column cost more than the joins they would inform.
        await db.Database.ExecuteSqlRawAsync("ANALYZE import_staging (slug)", ct);
        await db.Database.ExecuteSqlRawAsync(ClassifySql, ct);
    }

    /// <summary>
    /// mode=insert: how many staged rows have a slug that is already stored, and the first of them to list, found
    /// in one join rather than a query per row.
    /// </summary>
    public async Task<(int Count, List<(int Row, string Slug)> First)> ExistingAsync(int limit, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<ExistingRow>("""
            SELECT row_number AS row, slug, count(*) OVER ()::int AS total FROM import_staging
            WHERE existing_id IS NOT NULL ORDER BY row_number LIMIT {0}
            """, limit).ToListAsync(ct);
        return (rows.Count == 0 ? 0 : rows[0].Total, rows.ConvertAll(r => (r.Row, r.Slug)));
    }

    public Task RemoveExistingAsync(CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("DELETE FROM import_staging WHERE existing_id IS NOT NULL", ct);

    public async Task<(int Created, int Updated, int Unchanged)> CountAsync(CancellationToken ct)
    {
        var counts = await db.Database.SqlQueryRaw<StagedCounts>("""
            SELECT count(*) FILTER (WHERE existing_id IS NULL)::int AS created,
                   count(*) FILTER (WHERE changed)::int AS updated,
                   count(*) FILTER (WHERE NOT changed)::int AS unchanged
            FROM import_staging
            """).SingleAsync(ct);
        return (counts.Created, counts.Updated, counts.Unchanged);
    }

    /// <summary>
    /// Writes new and changed rows in one statement, then their audit rows in another. Unchanged rows are not
    /// touched at all, so their xmin (the ETag) stays as it was and they get no audit row.
    /// </summary>
    public async Task MergeAsync(Guid importId, string actor, string requestId, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync(MergeSql, [new NpgsqlParameter("now", now)], ct);
        await db.Database.ExecuteSqlRawAsync(AuditSql,
            [new NpgsqlParameter("now", now), new NpgsqlParameter("actor", actor), new NpgsqlParameter("request", requestId), new NpgsqlParameter("import", importId)],
            ct);
    }

    /// <summary>
    /// A case's writable fields as the API's JSON (camelCase names, partial dates as given), built in SQL over the
    /// table alias: the audit record of a create, and both sides of an update's field-level diff.
    /// </summary>
    private static string Snapshot(string t) => "jsonb_build_object(" + string.Join(", ", CaseCsv.Columns.Select(field =>
    {
        var column = field == "sponsor" ? "sponsor_code" : JsonNamingPolicy.SnakeCaseLower.ConvertName(field);
        var value = field is "activityStart" or "activityEnd" or "chargedOn" or "resolvedOn"
            ? $"CASE {t}.{column}_precision WHEN 'Year' THEN to_char({t}.{column}, 'YYYY') WHEN 'Month' THEN to_char({t}.{column}, 'YYYY-MM') "
              + $"WHEN 'Day' THEN to_char({t}.{column}, 'YYYY-MM-DD') END"
            : $"{t}.{column}";
        return $"'{field}', {value}";
    })) + ")";

    public async ValueTask DisposeAsync()
    {
        if (copy is not null) await copy.DisposeAsync();
    }

    private sealed record ExistingRow(int Row, string Slug, int Total);

    private sealed record StagedCounts(int Created, int Updated, int Unchanged);
}
