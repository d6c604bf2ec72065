using CaseApi.Cases;
using CaseApi.Linkage;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// The linkage behind the estimate: each named list's uploaded entries by status, and the estimate re-fitted under two
/// kinds of matching error. A false link adds an overlap (the unseen estimate shrinks), a missed one removes it (the
/// estimate grows), so the two scenarios bracket how far the k most doubtful decisions could move the answer. Matching
/// is where multiple systems estimation most often goes wrong in practice (Lum, Price &amp; Banks 2013, "Applications of
/// multiple systems estimation in human rights research", <i>The American Statistician</i> 67(4), 191–200).
/// </summary>
internal static class CoverageLinkageReport
{
    /// <summary>How many links each scenario changes.</summary>
    public const int K = 10;

    /// <summary>The named lists' entries by status (current, whatever the request's asOf: entries are not kept in the history).</summary>
    public static async Task<IReadOnlyList<ListLinkageStatus>> StatusAsync(
        IReadOnlyList<string> lists, LinkageOptions options, CaseDbContext db, CancellationToken ct)
    {
        List<ListLinkageStatus> found = [];
        foreach (var list in lists)
        {
            var c = await ListLinkage.CountsAsync(db, list, options.SuggestThreshold, ct);
            found.Add(new ListLinkageStatus(list, c.Entries, c.Linked, c.Suggested, c.Rejected, c.Unmatched));
        }
        return found;
    }

    /// <summary>
    /// The headline re-estimated with the k weakest accepted links undone and with the k strongest rejected candidates
    /// accepted, among links whose case is in the population (the answer's filter), each change made in the stratum of
    /// its case and the answer made again as <paramref name="strata"/> makes it (one table, or strata added up).
    /// </summary>
    public static async Task<LinkageSensitivity> SensitivityAsync(
        CaseFilter population, LinkageStrata strata, CoverageHeadline? headline, CaseDbContext db, CancellationToken ct)
    {
        var weakest = await LinksAsync(population, strata, "accepted", ascending: true, db, ct);
        var strongest = await LinksAsync(population, strata, "rejected", ascending: false, db, ct);
        double? Reestimate(IReadOnlyList<Link> links, bool remove) =>
            links.Count == 0 ? null : Estimate(strata.Headline(Changed(strata, links, remove)));
        return new LinkageSensitivity(K, Estimate(headline),
            Reestimate(weakest, remove: true), new ScenarioLinks(weakest.Count, weakest.LastOrDefault()?.Score),
            Reestimate(strongest, remove: false), new ScenarioLinks(strongest.Count, strongest.LastOrDefault()?.Score));
    }

    /// <summary>The histories of each stratum the links touch, with the links changed; a case in no stratum (null) is left as it is.</summary>
    private static Dictionary<string, CaptureHistories> Changed(LinkageStrata strata, IReadOnlyList<Link> links, bool remove) =>
        links.Where(l => l.Stratum is not null).GroupBy(l => l.Stratum!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Changed(strata.HistoriesOf(g.Key), [.. g], remove), StringComparer.Ordinal);

    private static double? Estimate(CoverageHeadline? headline) => headline is null ? null : headline.Estimate ?? headline.Low;

    /// <summary>
    /// The histories with the given links undone (a case leaves a list when every accepted link holding it there is undone)
    /// or made (a case joins the list); each changed case moves from its pattern to the new one.
    /// </summary>
    private static CaptureHistories Changed(CaptureHistories histories, IReadOnlyList<Link> links, bool remove)
    {
        var counts = histories.Counts.ToArray();
        foreach (var byCase in links.GroupBy(l => l.CaseId))
        {
            var lists = byCase.First().ListedIn.ToHashSet(StringComparer.Ordinal);
            var before = Mask(histories.Lists, lists);
            foreach (var (list, taken) in byCase.GroupBy(l => l.List).Select(g => (g.Key, g.ToList())))
            {
                if (!remove) lists.Add(list);
                else if (taken.Count >= taken[0].Links) lists.Remove(list);
            }
            var after = Mask(histories.Lists, lists);
            if (before != 0) counts[before]--;
            if (after != 0) counts[after]++;
        }
        return new CaptureHistories(histories.Lists, counts);
    }

    private static int Mask(IReadOnlyList<string> lists, HashSet<string> on) =>
        lists.Select((l, i) => on.Contains(l) ? 1 << (lists.Count - 1 - i) : 0).Sum();

    /// <summary>
    /// The k decided links of the named lists whose case the population holds, weakest (or strongest) first, each with the
    /// case's lists and how many accepted links hold the case on that list.
    /// </summary>
    private static Task<List<Link>> LinksAsync(
        CaseFilter population, LinkageStrata strata, string decision, bool ascending, CaseDbContext db, CancellationToken ct) =>
        db.Database.Query<Link>(SqlFragment.Of($"""
            SELECT e.list_code AS list, c.id AS case_id, c.listed_in, x.score, {strata.Key} AS stratum,
                (SELECT count(*)::int FROM list_entry_candidates y JOIN list_entries f ON f.id = y.entry_id
                 WHERE y.case_id = x.case_id AND y.decision = 'accepted' AND f.list_code = e.list_code) AS links
            FROM list_entry_candidates x
            JOIN list_entries e ON e.id = x.entry_id
            JOIN {population.View.Table("cases")} c ON c.id = x.case_id
            WHERE x.decision = {decision} AND e.list_code = ANY({strata.Lists.ToArray()}) AND ({population.ToSql()})
            ORDER BY x.score {SqlFragment.Raw(ascending ? "ASC" : "DESC")}, x.entry_id, x.case_id
            LIMIT {K}
            """)).ToListAsync(ct);

    private sealed record Link(string List, Guid CaseId, string[] ListedIn, double Score, int Links, string? Stratum);
}
