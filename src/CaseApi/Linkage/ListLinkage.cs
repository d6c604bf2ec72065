using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using static CaseApi.Store.SqlFragment;

namespace CaseApi.Linkage;

/// <summary>Reads of a list's entries and where they stand: counts, pages with explained candidates, what a bulk acceptance takes.</summary>
internal static class ListLinkage
{
    /// <summary>
    /// An entry's status: linked when a reviewer accepted a case; else suggested while an undecided candidate scores at
    /// least the suggestion threshold; else rejected when a reviewer rejected a candidate; else unmatched.
    /// </summary>
    public static SqlFragment StatusSql(double suggest) => Of($"""
        CASE WHEN EXISTS (SELECT FROM list_entry_candidates x WHERE x.entry_id = e.id AND x.decision = 'accepted') THEN 'linked'
             WHEN EXISTS (SELECT FROM list_entry_candidates x
                          WHERE x.entry_id = e.id AND x.decision IS NULL AND x.score >= {suggest}) THEN 'suggested'
             WHEN EXISTS (SELECT FROM list_entry_candidates x WHERE x.entry_id = e.id AND x.decision = 'rejected') THEN 'rejected'
             ELSE 'unmatched' END
        """);

    public static async Task<ListLinkageCounts> CountsAsync(CaseDbContext db, string list, double suggest, CancellationToken ct)
    {
        var rows = await db.Database.Query<StatusCount>(Of($"""
            SELECT s.status AS status, count(*)::int AS entries
            FROM (SELECT {StatusSql(suggest)} AS status FROM list_entries e WHERE e.list_code = {list}) s GROUP BY s.status
            """)).ToListAsync(ct);
        int Count(string status) => rows.FirstOrDefault(r => r.Status == status)?.Entries ?? 0;
        return new ListLinkageCounts(rows.Sum(r => r.Entries), Count(EntryStatuses.Linked), Count(EntryStatuses.Suggested),
            Count(EntryStatuses.Rejected), Count(EntryStatuses.Unmatched));
    }

    public static async Task<ListEntryPage> PageAsync(
        CaseDbContext db, string list, ListEntryQuery query, LinkageOptions options, CancellationToken ct)
    {
        var status = query.Status is { } s ? Of($" AND {StatusSql(options.SuggestThreshold)} = {s}") : Empty;
        var after = query.After is { } a ? Of($" AND e.reference > {a}") : Empty;
        var ids = await db.Database.Query<Guid>(Of($"""
            SELECT e.id AS "Value" FROM list_entries e WHERE e.list_code = {list}{status}{after} ORDER BY e.reference LIMIT {query.PageSize + 1}
            """)).ToListAsync(ct);
        var items = await EntriesAsync(db, list, [.. ids.Take(query.PageSize)], options, ct);
        return new ListEntryPage(items, ids.Count > query.PageSize ? items[^1].Reference : null);
    }

    /// <summary>
    /// The given entries in reference order, each with its status and its candidates (suggested ones and decided ones),
    /// best first.
    /// </summary>
    public static async Task<List<ListEntryResponse>> EntriesAsync(
        CaseDbContext db, string list, IReadOnlyList<Guid> ids, LinkageOptions options, CancellationToken ct)
    {
        var entries = await db.ListEntries.AsNoTracking().Where(e => ids.Contains(e.Id)).OrderBy(e => e.Reference).ToListAsync(ct);
        var statuses = await db.Database.Query<StatusRow>(Of($"""
            SELECT e.id AS id, {StatusSql(options.SuggestThreshold)} AS status FROM list_entries e WHERE e.id = ANY({ids.ToArray()})
            """)).ToDictionaryAsync(r => r.Id, r => r.Status, ct);
        var candidates = await (from c in db.EntryCandidates.AsNoTracking()
                                join k in db.Cases.AsNoTracking() on c.CaseId equals k.Id
                                where ids.Contains(c.EntryId) && (c.Decision != null || c.Score >= options.SuggestThreshold)
                                select new { Candidate = c, k.Slug, k.Title }).ToListAsync(ct);
        var model = await ListMatching.ModelAsync(db, ct);
        return [.. entries.Select(e => new ListEntryResponse(
            e.Id, list, e.Reference, e.RowNumber, statuses[e.Id], e.Names, e.NameKeys, PartialDate.Format(e.EntryDate, e.EntryDatePrecision),
            e.Headline, e.Places, JsonNode.Parse(e.Raw) as JsonObject ?? [],
            [.. candidates.Where(c => c.Candidate.EntryId == e.Id)
                .OrderByDescending(c => c.Candidate.Score).ThenBy(c => c.Slug, StringComparer.Ordinal)
                .Select(c =>
                {
                    var score = model.Score(c.Candidate.Vector);
                    return new CandidateResponse(c.Candidate.CaseId, c.Slug, c.Title, score.Weight, score.MatchProbability,
                        score.Weight >= options.SuggestThreshold, [.. score.Features.Select(FeatureResponse.From)], c.Candidate.Decision,
                        c.Candidate.MatchMethod, c.Candidate.DecidedBy, c.Candidate.DecidedAt);
                })]))];
    }

    /// <summary>
    /// What a bulk acceptance takes: for each entry of the list with no accepted case, its best candidate not rejected,
    /// when it scores at least the threshold and leads the next candidate not rejected by the margin (the rule of
    /// <see cref="EntryLinkage.Decide"/>, with rejected candidates known not to match).
    /// </summary>
    public static Task<List<BestCandidate>> BestCandidatesAsync(
        CaseDbContext db, string list, double threshold, double margin, CancellationToken ct) =>
        db.Database.Query<BestCandidate>(Of($"""
            SELECT e.id AS entry_id, e.reference AS reference, r.case_id AS case_id, r.score AS score
            FROM list_entries e
            CROSS JOIN LATERAL (
                SELECT c.case_id, c.score, lead(c.score) OVER w AS runner_up, row_number() OVER w AS rank
                FROM list_entry_candidates c WHERE c.entry_id = e.id AND c.decision IS DISTINCT FROM 'rejected'
                WINDOW w AS (ORDER BY c.score DESC, c.case_id)) r
            WHERE e.list_code = {list} AND r.rank = 1 AND r.score >= {threshold}
                AND r.score - coalesce(r.runner_up, '-Infinity'::float8) >= {margin}
                AND NOT EXISTS (SELECT FROM list_entry_candidates a WHERE a.entry_id = e.id AND a.decision = 'accepted')
            ORDER BY e.reference
            """)).ToListAsync(ct);

    public static ListEntry ToListEntry(SourceListEntry e) => new(
        e.Reference, e.Names, e.EntryDate is { } d ? new PartialDate(d, e.EntryDatePrecision ?? DatePrecision.Day) : null, e.Headline, e.Places);

    internal sealed record BestCandidate(Guid EntryId, string Reference, Guid CaseId, double Score);

    private sealed record StatusCount(string Status, int Entries);

    private sealed record StatusRow(Guid Id, string Status);
}
