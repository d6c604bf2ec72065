namespace CaseApi.Store;

/// <summary>How the history treats one captured table; <see cref="HistoryRegistry"/> holds one for every table it captures.</summary>
/// <param name="Table">The table whose triggers call history_capture.</param>
/// <param name="Entity">The entity name of its entries (the trigger's first argument, the change feed's <c>entity</c>).</param>
/// <param name="Content">What an entry hashes (and keeps, when <paramref name="KeepsContent"/>): SQL over the changed row <c>r</c>,
/// exactly the trigger's argument. Secret columns are subtracted here, so they never reach the history.</param>
/// <param name="KeepsContent">Whether the entry stores the content or only its hash (the audit trail keeps its own rows).</param>
/// <param name="Feed">How the change feed shows a change: not at all, as a case (under <c>case</c>, in the API's own shape), or
/// as a record (under <c>record</c>) of the <paramref name="FeedColumns"/>.</param>
/// <param name="FeedColumns">The record's allow-list: stored columns, or <c>name AS sql</c> for a value computed over the row
/// <c>r</c>. A column added to the table later stays out of the feed until it is listed here.</param>
/// <param name="AuditedBy">The audit rows that must accompany a change in the same commit, as (entity_type, SQL over the entry
/// <c>e</c> giving entity_id) pairs, any one of which suffices; empty when a change needs none (the audit trail itself).</param>
/// <param name="Rebuilt">Whether an as-of read rebuilds the table with <c>&lt;table&gt;_as_of(position)</c>.</param>
public sealed record HistoryTable(
    string Table,
    string Entity,
    string Content,
    bool KeepsContent,
    HistoryFeed Feed,
    IReadOnlyList<string> FeedColumns,
    IReadOnlyList<(string EntityType, string EntityId)> AuditedBy,
    bool Rebuilt);
