using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.History;

/// <summary>
/// Reads the history in commit order after a cursor. Each statement sees a prefix of the positions (see StoreHistory),
/// so a page never holds a change while an earlier one is still to come: following the cursor never skips a change.
/// What it shows of each entity is HistoryRegistry's allow-list: audit rows and API keys are history too, but not the feed's
/// business, and a table captured later stays out until it is declared there. A change names its actor from the audit
/// row of its commit (one commit is one request, so one actor). A page costs what it returns: history_feed_entries walks
/// the commits from the cursor's and each commit's entries in id order (migration ReleaseMaps), where a join of all commits
/// after the cursor re-read a large commit (an import's) from its start for every page.
/// </summary>
internal static class ChangeFeed
{
    // The case as the API writes it (writable fields, partial dates as given) plus its id and times, from the stored row.
    private static readonly string CaseJson = "jsonb_build_object('id', r.id, 'createdAt', r.created_at, 'updatedAt', r.updated_at) || "
        + CaseColumns.SnapshotSql((_, column) => $"r.{column}");

    private static SqlFragment PageSql(ChangePosition after, int limit) => SqlFragment.Of($"""
        SELECT c.commit_position AS position, e.id AS entry, e.entity, e.action, e.key AS id, e.slug,
               CASE WHEN e.entity = 'case' AND e.row IS NOT NULL
                    THEN (SELECT {SqlFragment.Raw(CaseJson)} FROM jsonb_populate_record(NULL::cases, e.row) r)::text END AS case_json,
               ({HistoryRegistry.FeedRecordSql})::text AS record_json,
               (SELECT a.actor FROM history_entries ha JOIN audit_events a ON a.id = ha.key::bigint
                WHERE ha.xid = e.xid AND ha.entity = 'audit' ORDER BY ha.id LIMIT 1) AS actor
        FROM history_feed_entries({after.Position}, {after.Entry}, {limit}, ARRAY[{HistoryRegistry.FeedEntitiesSql}]) c
        JOIN history_entries e ON e.id = c.entry_id
        ORDER BY c.commit_position, e.id
        """);

    public static async Task<ChangeFeedResponse> PageAsync(CaseDbContext db, ChangeFeedQuery query, CancellationToken ct)
    {
        var after = PageCursor.TryDecode<ChangePosition>(query.After, out var given) ? given : new ChangePosition(0, 0);
        var rows = await db.Database.Query<FeedRow>(PageSql(after, query.Limit)).ToListAsync(ct);
        var items = rows.ConvertAll(r =>
            new ChangeResponse(r.Position, r.Entity, r.Action, r.Id, r.Slug, Json(r.CaseJson), Json(r.RecordJson), r.Actor));
        var last = rows.Count == 0 ? after : new ChangePosition(rows[^1].Position, rows[^1].Entry);
        return new ChangeFeedResponse(items, PageCursor.Encode(last));
    }

    private static JsonElement? Json(string? text)
    {
        if (text is null) return null;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private sealed record FeedRow(
        long Position, long Entry, string Entity, string Action, string Id, string? Slug, string? CaseJson, string? RecordJson, string? Actor);
}
