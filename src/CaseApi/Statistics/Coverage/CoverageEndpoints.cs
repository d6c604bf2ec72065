using CaseApi.Cases;
using CaseApi.Infrastructure.Http;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Statistics.Coverage;

internal static class CoverageEndpoints
{
    /// <summary>Maps onto the statistics group, whose key and rate-limit rules it shares; it reads like every statistic.</summary>
    public static RouteGroupBuilder MapCoverageEndpoints(this RouteGroupBuilder stats)
    {
        stats.MapGet("/coverage", GetCoverage).WithName(nameof(GetCoverage)).ReadsStore<CaseFilter, CoverageQuery>(StoreRead.Cases, cached: true)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return stats;
    }

    /// <summary>Estimate how many cases no list has found (multiple systems estimation).</summary>
    /// <remarks>
    /// lists=a,b[,c…] names two to five source lists; the digits of each capture pattern follow that order. The answer
    /// fits every log-linear and heterogeneity model, quotes a headline that allows for the choice of model, and shows
    /// how much the answer depends on it. 422 when no model can be estimated from the lists' overlaps.
    /// </remarks>
    private static async Task<Results<Ok<CoverageResponse>, ProblemHttpResult>> GetCoverage(
        [AsParameters] CaseFilter filter, [AsParameters] CoverageQuery query, StoreSnapshot snapshot, CancellationToken ct)
    {
        var db = snapshot.Db;
        filter = filter.At(snapshot);
        var codes = query.Codes;
        var known = await filter.View.Rows(db.SourceLists, "source_lists").Where(s => codes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, ct);
        // As of a position a list may not exist yet: it then has no coverage window (and, so far, no cases).
        IReadOnlyList<CoverageWindow> windows =
            [.. codes.Select(c => new CoverageWindow(c, known.GetValueOrDefault(c)?.CoverageFrom, known.GetValueOrDefault(c)?.CoverageTo))];
        var response = query.IsStratified ? await StratifiedAsync(filter, windows, db, ct) : await CommonAsync(filter, windows, db, ct);
        return response.Headline is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "These lists do not overlap enough to estimate " +
                "what they missed.",
                detail: string.Join(" ", response.Notes))
            : TypedResults.Ok(response);
    }

    /// <summary>The default: only the cases dated within the years every named list covers.</summary>
    private static async Task<CoverageResponse> CommonAsync(
        CaseFilter filter, IReadOnlyList<CoverageWindow> windows, CaseDbContext db, CancellationToken ct)
    {
        var (from, to) = CoverageWindows.Common(windows, filter.From, filter.To);
        var population = new CoveragePopulation(CoverageQuery.Common, filter.DateField ?? "charged", from, to, Describe(from, to, filter, windows));
        var lists = windows.Select(w => w.List).ToList();
        var histories = await CountHistoriesAsync(filter with { From = from, To = to }, lists, db, ct);
        var evidence = await CountEvidenceAsync(filter with { From = from, To = to }, lists, db, ct);
        if (from > to)
        {
            return Respond(histories, evidence, population, new CoverageAnalysis([], null, null, null,
                [$"The lists' coverage periods do not overlap ({string.Join(", ", windows.Select(Period))}): no year is covered by all of them. " +
                    "Try windows=stratified."]));
        }
        return Respond(histories, evidence, population, CoverageAnalysis.Analyse(histories));
    }

    /// <summary>The alternative: periods covered by the same lists, each analysed with its own lists, headlines added up.</summary>
    private static async Task<CoverageResponse> StratifiedAsync(
        CaseFilter filter, IReadOnlyList<CoverageWindow> windows, CaseDbContext db, CancellationToken ct)
    {
        List<CoverageStratum> strata = [];
        foreach (var (from, to, lists) in CoverageWindows.Strata(windows, filter.From, filter.To))
        {
            IReadOnlyList<string> counted = lists.Count >= 2 ? lists : [.. windows.Select(w => w.List)];
            var histories = await CountHistoriesAsync(filter with { From = from, To = to }, counted, db, ct);
            var analysis = lists.Count >= 2 ? CoverageAnalysis.Analyse(histories) : null;
            strata.Add(new CoverageStratum(from, to, lists, histories.Observed, analysis?.Headline,
                analysis?.Notes ?? [$"Fewer than two of the named lists cover these years: its {histories.Observed} case(s) are left out of the " +
                    "total."]));
        }

        var whole = filter with { From = strata[0].From, To = strata[^1].To };
        var all = await CountHistoriesAsync(whole, [.. windows.Select(w => w.List)], db, ct);
        var evidence = await CountEvidenceAsync(whole, all.Lists, db, ct);
        var population = new CoveragePopulation(CoverageQuery.Stratified, filter.DateField ?? "charged", strata[0].From, strata[^1].To,
            $"Cases dated by '{filter.DateField ?? "charged"}', cut into {strata.Count} period(s) by the lists' coverage " +
            $"({string.Join(", ", windows.Select(Period))}); " +
            "each period is estimated from the lists that cover it, and the periods are added up. Undated cases are left out.");
        var headline = CoverageAnalysis.SumStrata(strata);
        var observed = strata.Where(s => s.Headline is not null).Sum(s => s.Observed);
        List<string> notes = headline is null ? ["No period could be estimated: each needs two lists covering it that overlap."] : [];
        notes.AddRange(strata.Where(s => s.Headline is null && s.Observed > 0).Select(s => $"{Period(s.From, s.To)}: {string.Join(" ", s.Notes)}"));
        var share = headline is null ? null
            : new ObservedShare(observed / headline.Estimate, [observed / headline.Ci95[1], observed / headline.Ci95[0]]);
        return new CoverageResponse(all.Lists, population, all.Observed, all.ByPattern(), evidence, headline, share,
            CoverageAnalysis.Interpretation(observed, headline, share), [], null, strata, notes, CoverageAnalysis.Assumptions);
    }

    private static CoverageResponse Respond(
        CaptureHistories h, MatchingEvidence evidence, CoveragePopulation population, CoverageAnalysis analysis) =>
        new(h.Lists, population, h.Observed, h.ByPattern(), evidence, analysis.Headline, analysis.ObservedShare,
            CoverageAnalysis.Interpretation(h.Observed, analysis.Headline, analysis.ObservedShare), analysis.Models, analysis.Sensitivity, null,
            analysis.Notes, CoverageAnalysis.Assumptions);

    private static string Describe(int? from, int? to, CaseFilter filter, IReadOnlyList<CoverageWindow> windows) =>
        from is null && to is null
            ? "The cases the filters select; the named lists have no coverage periods to restrict them."
            : $"The cases the filters select, dated by '{filter.DateField ?? "charged"}' within {Period(from, to)}: the years every named list " +
              $"covers ({string.Join(", ", windows.Select(Period))}). Cases outside those years, or undated, could not be on every list and are " +
                  "left out.";

    private static string Period(CoverageWindow w) => $"{w.List} {Period(w.From, w.To)}";

    private static string Period(int? from, int? to) => (from, to) switch
    {
        (null, null) => "all years",
        (null, { } t) => $"up to {t}",
        ({ } f, null) => $"from {f}",
        ({ } f, { } t) => f == t ? $"{f}" : $"{f}–{t}",
    };

    /// <summary>The capture histories of the filtered cases on the named lists; the patterns no case has count 0.</summary>
    internal static async Task<CaptureHistories> CountHistoriesAsync(
        CaseFilter filter, IReadOnlyList<string> lists, CaseDbContext db, CancellationToken ct)
    {
        var cells = new long[1 << lists.Count];
        await foreach (var (mask, count) in db.Database.Query<PatternCount>(HistorySql(filter, lists)).AsAsyncEnumerable().WithCancellation(ct))
        {
            cells[mask] = count;
        }
        return new CaptureHistories(lists, cells);
    }

    /// <summary>
    /// One statement: for the cases on at least one named list (listed_in &amp;&amp; lists, served by the GIN index), the capture
    /// pattern as an integer with one bit per list (the first list in the highest bit), counted per pattern.
    /// </summary>
    internal static SqlFragment HistorySql(CaseFilter filter, IReadOnlyList<string> lists)
    {
        var pattern = SqlFragment.Join(" + ", lists.Select((code, i) =>
            SqlFragment.Of($"CASE WHEN c.listed_in @> ARRAY[{code}] THEN {SqlFragment.Raw($"{1 << (lists.Count - 1 - i)}")} ELSE 0 END")));
        return SqlFragment.Of($"""
            SELECT {pattern} AS mask, count(*) AS count
            FROM {filter.View.Table("cases")} c WHERE ({filter.ToSql()}) AND c.listed_in && {lists.ToArray()}
            GROUP BY 1
            """);
    }

    /// <summary>The population's memberships in each named list, with how many carry that list's reference and how they were matched.</summary>
    internal static async Task<MatchingEvidence> CountEvidenceAsync(
        CaseFilter filter, IReadOnlyList<string> lists, CaseDbContext db, CancellationToken ct)
    {
        var found = await db.Database.Query<ListMatchingEvidence>(EvidenceSql(filter, lists)).ToDictionaryAsync(e => e.List, ct);
        var byList = lists.Select(l => found.GetValueOrDefault(l) ?? new ListMatchingEvidence(l, 0, 0, 0, 0)).ToList();
        return new MatchingEvidence(
            byList.Sum(e => e.Memberships), byList.Sum(e => e.WithReference), byList.Sum(e => e.Manual), byList.Sum(e => e.Rule), byList);
    }

    /// <summary>
    /// One statement: each membership of a filtered case in a named list, joined to that list's evidence in the case's
    /// list_evidence.
    /// </summary>
    internal static SqlFragment EvidenceSql(CaseFilter filter, IReadOnlyList<string> lists) => SqlFragment.Of($"""
        SELECT m.list, count(*) AS memberships, count(e.reference) AS with_reference,
               count(*) FILTER (WHERE e.match_method = 'manual') AS manual, count(*) FILTER (WHERE e.match_method = 'rule') AS rule
        FROM {filter.View.Table("cases")} c
        CROSS JOIN LATERAL unnest(c.listed_in) AS m(list)
        LEFT JOIN LATERAL (
            SELECT x ->> 'reference' AS reference, x ->> 'matchMethod' AS match_method
            FROM jsonb_array_elements(c.list_evidence) x WHERE x ->> 'list' = m.list LIMIT 1) e ON true
        WHERE ({filter.ToSql()}) AND c.listed_in && {lists.ToArray()} AND m.list = ANY({lists.ToArray()})
        GROUP BY m.list
        """);
}
