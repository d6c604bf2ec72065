using System.Globalization;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Audit;

/// <summary>
/// Recomputes the history's hash chain (migration StoreHistory): every entry's hash from its content (an audit entry
/// from the audit row itself), every commit's link from the previous link and its entries' hashes, and finds audit rows
/// no entry covers, and changes of the serving role without their audit rows (HistoryRegistry says which rows a change
/// needs; a migration's commits, made by the owner, need none). An entry a redaction rewrote (listed in the redaction's own
/// entry, which is in the chain) is held to its stored hash, which the commit links still chain: its content is no longer
/// the content that was hashed, by design. Someone with database rights can recompute the whole
/// chain after an edit; a checkpoint kept outside the database (GET /audit/checkpoint, or the periodic log line) catches that.
/// </summary>
internal static class AuditChain
{
    // held: the commit's login is neither the owner (migrations) nor a superuser, so its changes need their audit rows. Commits
    // sealed before migration SecurityStore recorded no login and are held to the hash chain only.
    private const string Sealed = $"""
        WITH sealed AS (
            SELECT c.xid, c.position, c.hash, c.committed_at,
                   lag(c.hash) OVER (ORDER BY c.position) AS previous, lag(c.position) OVER (ORDER BY c.position) AS previous_position,
                   c.login IS NOT NULL AND NOT coalesce((SELECT r.rolsuper OR pg_has_role(r.oid, '{DatabaseRoles.Owner}', 'MEMBER')
                                                         FROM pg_roles r WHERE r.rolname = c.login), false) AS held
            FROM history_commits c WHERE c.position IS NOT NULL)
        """;

    // Which entries of held commits have an audit row of their own commit that covers them (HistoryRegistry.AuditCoverSql).
    private static readonly SqlFragment CoveredSql = SqlFragment.Of($"""
        , audited AS (
            SELECT ae.xid, a.entity_type || ':' || a.entity_id AS ref
            FROM history_entries ae JOIN audit_events a ON a.id = CASE WHEN ae.entity = 'audit' THEN ae.key::bigint END
            WHERE ae.entity = 'audit')
        , needs AS (
            SELECT e.id, e.xid, {HistoryRegistry.AuditCoverSql} AS refs
            FROM history_entries e JOIN sealed s ON s.xid = e.xid WHERE s.held)
        , covered AS (
            SELECT DISTINCT n.id FROM needs n CROSS JOIN LATERAL unnest(n.refs) AS k(ref)
            JOIN audited a ON a.xid = n.xid AND a.ref = k.ref)
        """);

    private static SqlFragment MismatchSql(long? checkpointPosition, byte[]? checkpointHash) =>
        SqlFragment.Raw(Sealed) + CoveredSql + SqlFragment.Of($"""
        , redacted AS (
            SELECT DISTINCT x.id::bigint AS id
            FROM history_entries r CROSS JOIN LATERAL jsonb_array_elements_text(r.row -> 'entries') AS x(id)
            WHERE r.entity = 'redaction')
        , mismatches AS (
            SELECT s.position, e.id, e.entity, e.key,
                   CASE WHEN s.position IS NULL THEN 'unsealed' ELSE 'entry' END AS reason, 0 AS rank
            FROM history_entries e
            LEFT JOIN sealed s ON s.xid = e.xid
            LEFT JOIN audit_events a ON e.entity = 'audit' AND a.id = CASE WHEN e.entity = 'audit' THEN e.key::bigint END
            WHERE s.position IS NULL OR (e.hash IS DISTINCT FROM
                history_entry_hash(e.entity, e.key, e.slug, e.action, CASE WHEN e.entity = 'audit' THEN to_jsonb(a) ELSE e.row END)
                AND NOT EXISTS (SELECT FROM redacted x WHERE x.id = e.id))
            UNION ALL
            SELECT s.position, NULL, NULL, NULL, 'link', 1
            FROM sealed s
            WHERE s.position <> coalesce(s.previous_position, 0) + 1
               OR s.hash IS DISTINCT FROM history_link_hash(coalesce(s.previous, '\x'::bytea), s.position,
                    (SELECT string_agg(e.hash, '\x'::bytea ORDER BY e.id) FROM history_entries e WHERE e.xid = s.xid))
            UNION ALL
            SELECT NULL, a.id, 'audit', a.id::text, 'unlogged', 2
            FROM audit_events a
            WHERE NOT EXISTS (SELECT FROM history_entries e WHERE e.entity = 'audit' AND e.key = a.id::text)
            UNION ALL
            SELECT s.position, n.id, e.entity, e.key, 'unaudited', 3
            FROM needs n JOIN sealed s ON s.xid = n.xid JOIN history_entries e ON e.id = n.id
            WHERE n.refs IS NOT NULL AND NOT EXISTS (SELECT FROM covered v WHERE v.id = n.id)
            UNION ALL
            SELECT {checkpointPosition}::bigint, NULL, NULL, NULL, 'checkpoint', 4
            WHERE {checkpointPosition}::bigint IS NOT NULL
              AND NOT EXISTS (SELECT FROM sealed s WHERE s.position = {checkpointPosition}::bigint AND s.hash = {checkpointHash}::bytea))
        SELECT position, id, entity, key, reason, (SELECT count(*) FROM history_entries) AS checked
        FROM mismatches ORDER BY position NULLS LAST, rank, id LIMIT 1
        """);

    // The redactions as the chain records them (their own entries), so a redaction cannot hide from the verifier.
    private static readonly SqlFragment RedactionsSql = SqlFragment.Raw("""
        SELECT (e.row ->> 'id')::bigint AS id, (e.row ->> 'entity_id')::uuid AS entity_id, e.row ->> 'reason' AS reason,
               e.row ->> 'actor' AS actor, (e.row ->> 'redacted_at')::timestamptz AS redacted_at, c.position,
               jsonb_array_length(e.row -> 'entries') AS entries
        FROM history_entries e JOIN history_commits c ON c.xid = e.xid
        WHERE e.entity = 'redaction' ORDER BY e.id
        """);

    private static readonly SqlFragment HeadSql = SqlFragment.Raw("""
        SELECT c.position, c.hash, c.committed_at FROM history_commits c
        WHERE c.position = (SELECT position FROM history_clock)
        """);

    public static async Task<ChainVerification> VerifyAsync(CaseDbContext db, string? checkpoint, CancellationToken ct)
    {
        long? position = null;
        byte[]? hash = null;
        if (TryParseCheckpoint(checkpoint, out var p, out var h)) (position, hash) = (p, h);
        var head = await HeadAsync(db, ct);
        var mismatch = await db.Database.Query<MismatchRow>(MismatchSql(position, hash)).FirstOrDefaultAsync(ct);
        var count = mismatch?.Checked ?? await db.Database.Query<long>(SqlFragment.Raw("SELECT count(*) AS \"Value\" FROM history_entries"))
            .SingleAsync(ct);
        var redactions = await db.Database.Query<ChainRedaction>(RedactionsSql).ToListAsync(ct);
        return mismatch is null
            ? new ChainVerification(true, count, head, null, redactions)
            : new ChainVerification(false, count, head,
                new ChainMismatch(mismatch.Position, mismatch.Id, mismatch.Entity, mismatch.Key, mismatch.Reason), redactions);
    }

    /// <summary>The newest commit's position and hash: a checkpoint to keep.</summary>
    public static async Task<ChainCheckpoint?> HeadAsync(CaseDbContext db, CancellationToken ct)
    {
        var row = await db.Database.Query<HeadRow>(HeadSql).FirstOrDefaultAsync(ct);
        return row is null ? null : new ChainCheckpoint(row.Position, Convert.ToHexStringLower(row.Hash), row.CommittedAt);
    }

    public static bool TryParseCheckpoint(string? text, out long position, out byte[] hash)
    {
        position = 0;
        hash = [];
        if (text?.Split(':') is not [var p, var h] || h.Length != 64
            || !long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out position) || position < 1)
        {
            return false;
        }
        try
        {
            hash = Convert.FromHexString(h);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private sealed record MismatchRow(long? Position, long? Id, string? Entity, string? Key, string Reason, long Checked);

    private sealed record HeadRow(long Position, byte[] Hash, DateTimeOffset CommittedAt);
}
