using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.ReferenceData;
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
/// <remarks>
/// A page is set-based: one statement for its entries (with each case's alignment as of its position), one for the case rows
/// (shown by the case feature's own mapping), and one more for each commit on the page that changed the policy mapping, whose
/// realign items follow the commit's last entry: the cases whose alignment that commit changed, in id order.
/// </remarks>
internal static class ChangeFeed
{
    /// <summary>The longest long poll (wait=): shorter than the idle timeouts of common proxies.</summary>
    public const int MaxWaitSeconds = 30;

    private const string Mapping = "policy-document-sector";

    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;

    /// <summary>How each entity's record is typed; HistoryRegistry's feed entities other than case, each exactly once.</summary>
    internal static readonly FrozenDictionary<string, Func<ChangeResponse, string, ChangeResponse>> Records =
        new Dictionary<string, Func<ChangeResponse, string, ChangeResponse>>
        {
            ["sector"] = (item, json) => item with { Sector = Read<SectorResponse>(json) },
            ["sponsor"] = (item, json) => item with { Sponsor = Read<SponsorRow>(json).Shown },
            ["source-list"] = (item, json) => item with { SourceList = Read<SourceListResponse>(json) },
            ["policy-document"] = (item, json) => item with { PolicyDocument = Read<PolicyDocumentRecord>(json) },
            [Mapping] = (item, json) => item with { PolicyDocumentSector = Read<PolicyMappingRecord>(json) },
            ["entity"] = (item, json) => item with { NamedEntity = Read<NamedEntityRecord>(json) },
            ["case-entity"] = (item, json) => item with { CaseEntity = Read<CaseEntityRecord>(json) },
            ["release"] = (item, json) => item with { Release = Read<ReleaseRecord>(json) },
            ["redaction"] = (item, json) => item with { Redaction = Read<RedactionRecord>(json) },
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Where a page starts: a cursor it issued, a feed position (the changes after it), or the beginning.</summary>
    public static bool TryReadAfter(string? after, out ChangePosition position)
    {
        if (after is null) position = new(0, 0);
        else if (long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var at)) position = new(at, long.MaxValue);
        else if (PageCursor.TryDecode<ChangePosition>(after, out var given)) position = given;
        else
        {
            position = new(0, 0);
            return false;
        }
        return true;
    }

    /// <summary>The entities a query asks for: all the feed shows, or its entityType list.</summary>
    public static IReadOnlySet<string> EntitiesOf(string? entityType) => entityType is null
        ? HistoryRegistry.FeedEntities.ToHashSet(StringComparer.Ordinal)
        : entityType.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The page after the query's cursor; with wait=, when there is none yet, waits (holding no connection: the context opens
    /// one per statement) for the store to announce a commit that may hold one, and reads again, until the wait is over or
    /// <paramref name="stopWaiting"/> (the service stopping) ends it early.
    /// </summary>
    public static async Task<ChangeFeedResponse> WaitForPageAsync(
        CaseDbContext db, ChangeFeedQuery query, StoreChanges changes, CancellationToken stopWaiting, CancellationToken ct)
    {
        var wanted = EntitiesOf(query.EntityType);
        if (query.Wait == 0) return await PageAsync(db, query, wanted, ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, stopWaiting);
        deadline.CancelAfter(TimeSpan.FromSeconds(query.Wait));
        while (true)
        {
            // Subscribed before reading, so a commit between the read and the wait still ends the wait.
            var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChanged(IReadOnlySet<string>? kinds)
            {
                if (kinds is null || kinds.Overlaps(wanted) || (wanted.Contains("case") && kinds.Contains(Mapping))) heard.TrySetResult();
            }
            changes.Changed += OnChanged;
            try
            {
                var page = await PageAsync(db, query, wanted, ct);
                if (page.Items.Count > 0 || deadline.IsCancellationRequested) return page;
                // Not hearing the store (its listener reconnects): read again each second instead.
                var woken = changes.IsListening ? heard.Task : Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
                await woken.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return await PageAsync(db, query, wanted, ct);
            }
            finally
            {
                changes.Changed -= OnChanged;
            }
        }
    }

    private static async Task<ChangeFeedResponse> PageAsync(
        CaseDbContext db, ChangeFeedQuery query, IReadOnlySet<string> wanted, CancellationToken ct)
    {
        TryReadAfter(query.After, out var cursor);
        var page = new Page(query.Limit);
        var realigns = wanted.Contains("case");
        // The mapping's own entries are read even when not wanted: a commit of nothing else must still be reached for its realign items.
        string[] read = realigns ? [.. wanted.Append(Mapping).Distinct()] : [.. wanted];
        if (cursor.Realigned is { } afterCase)
        {
            if (!await page.RealignAsync(db, cursor, afterCase, ct)) return await page.ShowAsync(db, ct);
            cursor = cursor with { Realigned = null };
        }
        // A page of entries only of unwanted kinds (the mapping, for entityType=case) would look like the end: read on.
        for (var reads = 0; reads < 10 && page.Next is null && page.Room > 0; reads++)
        {
            var rows = await db.Database.Query<FeedRow>(EntriesSql(cursor, page.Room + 1, read)).ToListAsync(ct);
            var more = rows.Count > page.Room;
            var shown = more ? rows[..page.Room] : rows;
            for (var i = 0; i < shown.Count && page.Next is null; i++)
            {
                var row = shown[i];
                if (wanted.Contains(row.Entity)) page.Add(row);
                cursor = new ChangePosition(row.Position, row.Entry);
                var commitEnds = i + 1 < rows.Count ? rows[i + 1].Position != row.Position : !more;
                if (realigns && commitEnds && row.Remaps)
                {
                    if (!await page.RealignAsync(db, cursor, Guid.Empty, ct)) break;
                }
                if (page.Room == 0) page.Next ??= cursor;
            }
            if (!more || page.Count > 0) break;
        }
        page.Next ??= cursor;
        return await page.ShowAsync(db, ct);
    }

    // remaps: whether the entry's commit changed the policy mapping, from all its entries (the page may hold none of them).
    // A case's alignment as of a position no mapping change followed is the current one: aligned_policies, an index lookup,
    // decided once per commit instead of asking the history for each case (what aligned_policies_as_of does).
    private static SqlFragment EntriesSql(ChangePosition after, int limit, string[] entities) => SqlFragment.Of($"""
        WITH page AS MATERIALIZED (SELECT * FROM history_feed_entries({after.Position}, {after.Entry}, {limit}, {entities})),
        mapped AS MATERIALIZED (
            SELECT coalesce(max(k.position), 0) AS last FROM history_entries m JOIN history_commits k ON k.xid = m.xid
            WHERE m.entity = '{SqlFragment.Raw(Mapping)}'),
        commits AS MATERIALIZED (
            SELECT p.commit_position, EXISTS (SELECT FROM history_commits k JOIN history_entries m ON m.xid = k.xid
                                              WHERE k.position = p.commit_position AND m.entity = '{SqlFragment.Raw(Mapping)}') AS remaps,
                   p.commit_position >= (SELECT last FROM mapped) AS current_mapping
            FROM (SELECT DISTINCT commit_position FROM page) p)
        SELECT c.commit_position AS position, e.id AS entry, e.entity, e.action, e.key AS id, e.slug,
               CASE WHEN e.entity = 'case' AND e.row IS NOT NULL
                    THEN (SELECT CASE WHEN m.current_mapping THEN aligned_policies(r.sectors)
                                 ELSE aligned_policies_as_of(r.sectors, c.commit_position) END
                          FROM jsonb_populate_record(NULL::cases, e.row) r) END
                    AS aligned,
               ({HistoryRegistry.FeedRecordSql})::text AS record_json,
               (SELECT a.actor FROM history_entries ha JOIN audit_events a ON a.id = ha.key::bigint
                WHERE ha.xid = e.xid AND ha.entity = 'audit' ORDER BY ha.id LIMIT 1) AS actor,
               m.remaps
        FROM page c
        JOIN commits m ON m.commit_position = c.commit_position
        JOIN history_entries e ON e.id = c.entry_id
        ORDER BY c.commit_position, e.id
        """);

    /// <summary>
    /// The cases whose alignment the commit at the position changed (by the mapping rows it wrote), each with the history entry
    /// of its row at that position and its alignment there, after a case id. The mapping after the commit is rebuilt once, and
    /// the mapping before it is that one undone by the commit's own entries (a row it wrote first by a create did not exist
    /// before; one it first updated or deleted did); a case's row at the position is its current row when no later commit
    /// changed it, else its entry at the position.
    /// </summary>
    private static SqlFragment RealignSql(long position, Guid afterCase, int limit) => SqlFragment.Of($"""
        WITH written AS MATERIALIZED (
            SELECT DISTINCT ON (e.key) split_part(e.key, '/', 1) AS policy_code, split_part(e.key, '/', 2) AS sector_code, e.action
            FROM history_commits k JOIN history_entries e ON e.xid = k.xid
            WHERE k.position = {position} AND e.entity = '{SqlFragment.Raw(Mapping)}'
            ORDER BY e.key, e.id),
        touched AS MATERIALIZED (SELECT array_agg(DISTINCT w.sector_code) AS sectors FROM written w),
        changed AS MATERIALIZED (
            SELECT DISTINCT e.key FROM history_commits k JOIN history_entries e ON e.xid = k.xid
            WHERE k.position > {position} AND e.entity = 'case'),
        at_position AS (
            SELECT c.id, c.slug, c.sectors,
                   (SELECT max(h.id) FROM history_entries h WHERE h.entity = 'case' AND h.key = c.id::text) AS entry
            FROM cases c
            WHERE c.sectors && (SELECT sectors FROM touched) AND NOT EXISTS (SELECT FROM changed x WHERE x.key = c.id::text)
            UNION ALL
            SELECT r.id, r.slug, r.sectors, l.id
            FROM changed x CROSS JOIN LATERAL (
                SELECT e.id, e.action, e.row FROM history_entries e JOIN history_commits k ON k.xid = e.xid
                WHERE e.entity = 'case' AND e.key = x.key AND k.position <= {position}
                ORDER BY k.position DESC, e.id DESC LIMIT 1) l
            CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, l.row) r
            WHERE l.action <> 'delete' AND r.sectors && (SELECT sectors FROM touched)),
        after AS MATERIALIZED (SELECT m.policy_code, m.sector_code FROM policy_document_sectors_as_of({position}) m),
        before AS MATERIALIZED (
            SELECT a.policy_code, a.sector_code FROM after a
            WHERE NOT EXISTS (SELECT FROM written w WHERE w.policy_code = a.policy_code AND w.sector_code = a.sector_code)
            UNION ALL
            SELECT w.policy_code, w.sector_code FROM written w WHERE w.action <> 'create'),
        aligned AS (
            SELECT a.*,
                   (SELECT coalesce(array_agg(DISTINCT m.policy_code ORDER BY m.policy_code), '{SqlFragment.Raw("{}")}') FROM after m
                    WHERE m.sector_code = ANY(a.sectors)) AS now,
                   (SELECT coalesce(array_agg(DISTINCT m.policy_code ORDER BY m.policy_code), '{SqlFragment.Raw("{}")}') FROM before m
                    WHERE m.sector_code = ANY(a.sectors)) AS was
            FROM at_position a WHERE a.entry IS NOT NULL)
        SELECT id AS case_id, slug, entry, now AS aligned,
               (SELECT a.actor FROM history_commits k JOIN history_entries ha ON ha.xid = k.xid AND ha.entity = 'audit'
                JOIN audit_events a ON a.id = ha.key::bigint WHERE k.position = {position} ORDER BY ha.id LIMIT 1) AS actor
        FROM aligned
        WHERE now <> was AND id > {afterCase}
        ORDER BY id LIMIT {limit}
        """);

    /// <summary>
    /// The rows of the history entries, in the order given (an entry may be named twice), with their row version: the case's
    /// current one while the entry is its latest (what GET /cases/{id} tags), else the version the entry's commit gave it.
    /// </summary>
    private static SqlFragment CaseRowsSql(long[] entries) => SqlFragment.Of($"""
        SELECT r.*, coalesce(
                   (SELECT k.xmin FROM cases k WHERE k.id = r.id
                    AND NOT EXISTS (SELECT FROM history_entries l WHERE l.entity = 'case' AND l.key = e.key AND l.id > e.id)),
                   ((e.xid::text::numeric % 4294967296)::text)::xid) AS xmin
        FROM unnest({entries}) WITH ORDINALITY u(id, n)
        JOIN history_entries e ON e.id = u.id
        CROSS JOIN LATERAL jsonb_populate_record(NULL::cases, e.row) r
        ORDER BY u.n
        """);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Web)
        ?? throw new InvalidOperationException($"The feed's {typeof(T).Name} record is null.");

    /// <summary>A page being filled: its items in order, the cursor after them once it is full, and the cases still to show.</summary>
    private sealed class Page(int limit)
    {
        private readonly List<(ChangeResponse Item, long? CaseEntry, string[]? Aligned)> items = [];

        public int Count => items.Count;

        public ChangePosition? Next { get; set; }

        public int Room => limit - items.Count;

        public void Add(FeedRow row)
        {
            var item = new ChangeResponse(row.Position, row.Entity, row.Action, row.Id, row.Slug, null,
                null, null, null, null, null, null, null, null, null, null, row.Actor);
            if (row.RecordJson is { } json && Records.TryGetValue(row.Entity, out var typed)) item = typed(item, json);
            var isCase = row.Entity == "case" && row.Action != "delete";
            items.Add((item, isCase ? row.Entry : null, isCase ? row.Aligned ?? [] : null));
        }

        /// <summary>The realign items of the commit at the cursor, after a case, as many as there is room for; false once the page is full.</summary>
        public async Task<bool> RealignAsync(CaseDbContext db, ChangePosition at, Guid afterCase, CancellationToken ct)
        {
            if (Room == 0)
            {
                Next = at with { Realigned = afterCase };
                return false;
            }
            var rows = await db.Database.Query<RealignRow>(RealignSql(at.Position, afterCase, Room + 1)).ToListAsync(ct);
            var room = Room;
            foreach (var row in rows.Take(room))
            {
                items.Add((new ChangeResponse(at.Position, "case", "realign", row.CaseId.ToString(), row.Slug, null,
                    null, null, null, null, null, null, null, null, null, null, row.Actor), row.Entry, row.Aligned));
            }
            if (rows.Count <= room) return true;
            Next = at with { Realigned = rows[room - 1].CaseId };
            return false;
        }

        /// <summary>The page, each case shown by the case feature's mapping from its row (one statement for all of them).</summary>
        public async Task<ChangeFeedResponse> ShowAsync(CaseDbContext db, CancellationToken ct)
        {
            long[] entries = [.. items.Where(i => i.CaseEntry is not null).Select(i => i.CaseEntry!.Value)];
            var rows = entries.Length == 0 ? [] : await db.Cases.Query(CaseRowsSql(entries)).AsNoTracking().ToListAsync(ct);
            var next = 0;
            var shown = items.ConvertAll(i =>
            {
                if (i.CaseEntry is null) return i.Item;
                var view = CaseReads.Shown(rows[next++], i.Aligned!);
                return i.Item with { Case = view, ETag = ETags.For(view.Version) };
            });
            return new ChangeFeedResponse(shown, PageCursor.Encode(Next ?? throw new InvalidOperationException("A page ends at a cursor.")));
        }
    }

    private sealed record FeedRow(
        long Position, long Entry, string Entity, string Action, string Id, string? Slug, string[]? Aligned, string? RecordJson, string? Actor,
        bool Remaps);

    private sealed record RealignRow(Guid CaseId, string Slug, long Entry, string[] Aligned, string? Actor);

    /// <summary>A sponsor's stored row; the API names its parent <c>parent</c>.</summary>
    private sealed record SponsorRow(string Code, string Name, string? Description, string Type, string? ParentCode)
    {
        public SponsorResponse Shown => new(Code, Name, Description, Type, ParentCode);
    }
}
