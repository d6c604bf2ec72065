using System.Collections.Frozen;

namespace CaseApi.Store;

/// <summary>
/// Every table the history captures, declared once: what its entries hash and keep, what the change feed may show, which
/// audit rows a change needs and whether as-of reads rebuild it. The change feed, as-of reads and /audit/verify read it;
/// HistoryRegistryTests holds it to the triggers in the database, so a table captured later fails the tests until it is
/// declared here (and with it, what the feed may show of it).
/// </summary>
public static class HistoryRegistry
{
    private static readonly (string, string)[] NoAudit = [];

    /// <summary>The audit row of the entity itself: entity_type the entity's name, entity_id its key.</summary>
    private static (string, string)[] Itself(string entity) => [(entity, "e.key")];

    public static IReadOnlyList<HistoryTable> Tables { get; } =
    [
        new("cases", "case", "to_jsonb(r) - 'search_vector'", true, HistoryFeed.Case, [], Itself("case"), Rebuilt: true),
        new("sectors", "sector", "to_jsonb(r)", true, HistoryFeed.Record, ["code", "name", "description"], Itself("sector"), Rebuilt: true),
        new("sponsors", "sponsor", "to_jsonb(r)", true, HistoryFeed.Record, ["code", "name", "description", "type", "parent_code"],
            Itself("sponsor"), Rebuilt: true),
        new("source_lists", "source-list", "to_jsonb(r)", true, HistoryFeed.Record,
            ["code", "name", "description", "publisher", "coverage_from", "coverage_to"], Itself("source-list"), Rebuilt: true),
        new("policy_documents", "policy-document", "to_jsonb(r)", true, HistoryFeed.Record, ["code", "name", "description", "year"],
            Itself("policy-document"), Rebuilt: true),
        // A mapping row changes with its policy document (an edit, or the cascade of its delete).
        new("policy_document_sectors", "policy-document-sector", "to_jsonb(r)", true, HistoryFeed.Record, ["policy_code", "sector_code"],
            [("policy-document", "split_part(e.key, '/', 1)"), ("sector", "split_part(e.key, '/', 2)")], Rebuilt: true),
        // People and organisations: the match keys are derived from the name and aliases, so the feed leaves them out.
        new("entities", "entity", "to_jsonb(r)", true, HistoryFeed.Record,
            ["id", "slug", "kind", "name", "aliases", "identifiers", "country", "description", "sources", "sponsor_code",
                "merged_into"],
            Itself("entity"), Rebuilt: true),
        // A case's link to an entity changes with the case (its names) or with the entity (a merge).
        new("case_entities", "case-entity", "to_jsonb(r)", true, HistoryFeed.Record, ["case_id", "role", "entity_id"],
            [("case", "split_part(e.key, '/', 1)"), ("entity", "split_part(e.key, '/', 3)")], Rebuilt: true),
        // A redaction of personal data (migration EntityRedaction): which entity, why, by whom, and which entries it rewrote; the
        // verifier checks those entries by their stored hash. Written only by history_redact, with the entity's redact audit row.
        new("redactions", "redaction", "to_jsonb(r)", true, HistoryFeed.Record, ["id", "entity_id", "reason", "actor", "redacted_at"],
            [("entity", "(e.row ->> 'entity_id')")], Rebuilt: false),
        // A key's secret hash never enters the history; keys are not the feed's business.
        new("api_keys", "api-key", "to_jsonb(r) - 'secret_hash'", true, HistoryFeed.None, [], Itself("api-key"), Rebuilt: false),
        // An audit row stays in audit_events; its entry holds only the hash. It is the audit, so it needs none.
        new("audit_events", "audit", "to_jsonb(r)", false, HistoryFeed.None, [], NoAudit, Rebuilt: false),
        // The creator is the audit trail's actor id (a person's issuer#subject or a service key's key:{id}), as GET /releases
        // shows it in createdBy.
        new("releases", "release", "to_jsonb(r)", true, HistoryFeed.Record,
            ["name", "description", "position", "created_at", "created_by"],
            Itself("release"), Rebuilt: false),
    ];

    private static readonly FrozenDictionary<string, HistoryTable> ByTable = Tables.ToFrozenDictionary(t => t.Table, StringComparer.Ordinal);

    /// <summary>The registered table; throws for one the history does not capture.</summary>
    public static HistoryTable Of(string table) => ByTable.TryGetValue(table, out var found)
        ? found
        : throw new ArgumentOutOfRangeException(nameof(table), table, "The history captures no such table.");

    /// <summary>
    /// The feed's record of an entry <c>e</c> whose entity shows one: a jsonb object of exactly the allow-listed columns of the
    /// stored row (camelCase members, nulls kept), or NULL (a delete keeps no row). Fixed SQL from the declarations above, never from input.
    /// </summary>
    public static SqlFragment FeedRecordSql { get; } = SqlFragment.Raw("CASE WHEN e.row IS NOT NULL THEN CASE e.entity " + string.Concat(
        Tables.Where(t => t.Feed == HistoryFeed.Record).Select(t =>
            $"WHEN '{t.Entity}' THEN (SELECT jsonb_build_object({string.Join(", ", t.FeedColumns.Select(FeedPair))}) "
            + $"FROM jsonb_populate_record(NULL::{t.Table}, e.row) r) ")) + "END END");

    /// <summary>The entities the feed shows (its <c>entityType</c> values).</summary>
    public static IReadOnlyList<string> FeedEntities { get; } = [.. Tables.Where(t => t.Feed != HistoryFeed.None).Select(t => t.Entity)];

    /// <summary>
    /// The audit rows (as <c>entity_type:entity_id</c>) any one of which covers the entry <c>e</c>, as a text[]; NULL for an
    /// entity whose changes need none. Fixed SQL from the declarations above.
    /// </summary>
    public static SqlFragment AuditCoverSql { get; } = SqlFragment.Raw("CASE e.entity " + string.Concat(
        Tables.Where(t => t.AuditedBy.Count > 0).Select(t =>
            $"WHEN '{t.Entity}' THEN ARRAY[{string.Join(", ", t.AuditedBy.Select(a => $"'{a.EntityType}:' || {a.EntityId}"))}] ")) + "END");

    // The record's members are camelCase, as the API writes them (parent_code -> parentCode); the feed types them.
    private static string FeedPair(string column) => column.Split(" AS ", 2) is [var name, var sql]
        ? $"'{CamelCase(name)}', {sql}"
        : $"'{CamelCase(column)}', r.{column}";

    private static string CamelCase(string column) =>
        string.Concat(column.Split('_').Select((word, i) => i == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));
}
