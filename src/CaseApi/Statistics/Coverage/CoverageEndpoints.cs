using CaseApi.Cases;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Http;
using CaseApi.Linkage;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
    /// how much the answer depends on it. 422 when a named list has no case in scope, or when no model can be estimated
    /// from the lists' overlaps.
    /// </remarks>
    private static async Task<Results<Ok<CoverageResponse>, ProblemHttpResult>> GetCoverage(
        [AsParameters] CaseFilter filter, [AsParameters] CoverageQuery query, StoreSnapshot snapshot, IOptions<LinkageOptions> linkage,
        CancellationToken ct)
    {
        var db = snapshot.Db;
        filter = filter.At(snapshot);
        var codes = query.Codes;
        var known = await filter.View.Rows(db.SourceLists, "source_lists").Where(s => codes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, ct);
        // As of a position a list may not exist yet: it then has no coverage window (and, so far, no cases).
        IReadOnlyList<CoverageWindow> windows =
            [.. codes.Select(c => new CoverageWindow(c, known.GetValueOrDefault(c)?.CoverageFrom, known.GetValueOrDefault(c)?.CoverageTo))];
        var response = query.IsStratified ? await StratifiedAsync(filter, windows, db, ct) : await CommonAsync(filter, query, windows, db, ct);
        response = response with
        {
            Linkage = new CoverageLinkage(await CoverageLinkageReport.StatusAsync(codes, linkage.Value, db, ct), response.Linkage?.Sensitivity),
        };
        if (response.Observed > 0 && CoverageScope.ListsWithoutCases(response) is { Count: > 0 } empty)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: $"No case in scope is on {string.Join(", ", empty.Select(l => $"'{l}'"))}.",
                detail: $"{response.Population.Description} A list without cases says nothing about what the others missed: name other lists, " +
                    "widen the filters, or link the list's entries to cases (POST /api/v1/source-lists/{code}/entries).");
        }
        return response.Headline is null
            ? ProblemResults.Of(ProblemCodes.CoverageUndefined, "These lists do not overlap enough to estimate what they missed.",
                string.Join(" ", response.Notes))
            : TypedResults.Ok(response);
    }

    /// <summary>The default: only the cases dated within the years every named list covers, estimated whole or by the stratify field.</summary>
    private static async Task<CoverageResponse> CommonAsync(
        CaseFilter filter, CoverageQuery query, IReadOnlyList<CoverageWindow> windows, CaseDbContext db, CancellationToken ct)
    {
        var (from, to) = CoverageWindows.Common(windows, filter.From, filter.To);
        var population = CoverageStrata.CommonPopulation(filter.DateField, from, to, windows, query.Stratify);
        var lists = windows.Select(w => w.List).ToList();
        var histories = await CountHistoriesAsync(filter with { From = from, To = to }, lists, db, ct);
        var evidence = await CountEvidenceAsync(filter with { From = from, To = to }, lists, db, ct);
        if (from > to)
        {
            return CoverageResponse.From(histories, population, evidence, CoverageAnalysis.Unanswered(histories.Observed, [],
                $"The lists' coverage periods do not overlap ({CoverageStrata.Periods(windows)}): no year is covered by all of them. " +
                "Try windows=stratified."));
        }
        var excluded = await CoverageScope.ExclusionsAsync(filter, from, to, lists, db, ct);
        var outside = await CoverageScope.OutsideWindowAsync(filter, windows, db, ct);
        population = CoverageScope.Stated(population, histories.Observed, excluded, outside);
        if (query.Stratify is not { } field)
        {
            var analysis = CoverageAnalysis.Analyse(histories);
            var response = CoverageResponse.From(histories, population, evidence, analysis);
            var sensitivity = await CoverageLinkageReport.SensitivityAsync(filter with { From = from, To = to }, LinkageStrata.Whole(histories),
                analysis.Headline, db, ct);
            return response with
            {
                Notes = [.. response.Notes, .. CoverageScope.OutsideWindowNotes(outside)],
                Linkage = new CoverageLinkage([], sensitivity),
                WithoutWindows = excluded.Undated > 0 && filter.From is null && filter.To is null && (from is not null || to is not null)
                    ? await WithoutWindowsAsync(filter, lists, db, ct) : null,
            };
        }

        var strata = await CountStrataAsync(filter with { From = from, To = to }, lists, StratumSql(field, filter), db, ct);
        var byField = CoverageStrata.ByField(histories, population, evidence, strata);
        var changes = LinkageStrata.Of(StratumSql(field, filter), lists,
            [.. strata.Select((s, i) => (s.Value, s.Histories, (CoverageStratum?)byField.Strata![i]))], "stratum");
        var linkage = new CoverageLinkage([],
            await CoverageLinkageReport.SensitivityAsync(filter with { From = from, To = to }, changes, byField.Headline, db, ct));
        return byField with { Linkage = linkage };
    }

    /// <summary>
    /// The estimate over the filtered cases with no window, undated cases included: offered when the windows leave undated
    /// cases out.
    /// </summary>
    private static async Task<CoverageAlternative> WithoutWindowsAsync(
        CaseFilter filter, IReadOnlyList<string> lists, CaseDbContext db, CancellationToken ct)
    {
        var histories = await CountHistoriesAsync(filter, lists, db, ct);
        var analysis = CoverageAnalysis.Analyse(histories, logLinearIntervals: false);
        return new CoverageAlternative(histories.Observed, analysis.Headline,
            "The cases the filters select on the named lists, dated or not, with no coverage window: a list is taken to cover every year. " +
            "Where a list's window is real, its absence from years it does not cover is counted as a miss, so this estimate runs high.");
    }

    /// <summary>The alternative: periods covered by the same lists, each analysed with its own lists, headlines added up.</summary>
    private static async Task<CoverageResponse> StratifiedAsync(
        CaseFilter filter, IReadOnlyList<CoverageWindow> windows, CaseDbContext db, CancellationToken ct)
    {
        List<(int? From, int? To, IReadOnlyList<string> Lists, CaptureHistories Histories)> periods = [];
        foreach (var (from, to, lists) in CoverageWindows.Strata(windows, filter.From, filter.To))
        {
            IReadOnlyList<string> counted = lists.Count >= 2 ? lists : [.. windows.Select(w => w.List)];
            periods.Add((from, to, lists, await CountHistoriesAsync(filter with { From = from, To = to }, counted, db, ct)));
        }

        var whole = filter with { From = periods[0].From, To = periods[^1].To };
        var all = await CountHistoriesAsync(whole, [.. windows.Select(w => w.List)], db, ct);
        var evidence = await CountEvidenceAsync(whole, all.Lists, db, ct);
        var byPeriod = CoverageStrata.ByPeriod(all, filter.DateField, windows, evidence, periods);
        var changes = LinkageStrata.Of(LinkageStrata.PeriodKey(filter, periods.Select(p => (p.From, p.To))), all.Lists,
            [.. periods.Select((p, i) => (LinkageStrata.Index(i), p.Histories, (CoverageStratum?)byPeriod.Strata![i]))], "period");
        var sensitivity = await CoverageLinkageReport.SensitivityAsync(whole, changes, byPeriod.Headline, db, ct);
        return byPeriod with { Linkage = new CoverageLinkage([], sensitivity) };
    }

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
    internal static SqlFragment HistorySql(CaseFilter filter, IReadOnlyList<string> lists, SqlFragment? stratum = null)
    {
        var pattern = SqlFragment.Join(" + ", lists.Select((code, i) =>
            SqlFragment.Of($"CASE WHEN c.listed_in @> ARRAY[{code}] THEN {SqlFragment.Raw($"{1 << (lists.Count - 1 - i)}")} ELSE 0 END")));
        // With a stratum, its value leads each row and the grouping, so one statement counts every stratum's patterns.
        var key = stratum is null ? SqlFragment.Empty : SqlFragment.Of($"{stratum} AS stratum, ");
        return SqlFragment.Of($"""
            SELECT {key}{pattern} AS mask, count(*) AS count
            FROM {filter.View.Table("cases")} c WHERE ({filter.ToSql()}) AND c.listed_in && {lists.ToArray()}
            GROUP BY {SqlFragment.Raw(stratum is null ? "1" : "1, 2")}
            """);
    }

    /// <summary>The stratum of each case for a <c>stratify</c> field, as text; without a value, <c>unknown</c> (or <c>undated</c>).</summary>
    internal static SqlFragment StratumSql(string field, CaseFilter filter) => field switch
    {
        "sponsorType" => SqlFragment.Of($"coalesce((SELECT s.type FROM {filter.View.Table("sponsors")} s WHERE s.code = c.sponsor_code), 'unknown')"),
        "collectorType" => SqlFragment.Raw("c.collector_type"),
        _ => SqlFragment.Raw($"coalesce((extract(year from c.{filter.DateColumn})::int / 10 * 10)::text || 's', 'undated')"),
    };

    /// <summary>The capture histories of each value of the stratum, in the order of the values.</summary>
    internal static async Task<IReadOnlyList<(string Value, CaptureHistories Histories)>> CountStrataAsync(
        CaseFilter filter, IReadOnlyList<string> lists, SqlFragment stratum, CaseDbContext db, CancellationToken ct)
    {
        var cells = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var rows = db.Database.Query<StratumPatternCount>(HistorySql(filter, lists, stratum)).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (!cells.TryGetValue(row.Stratum, out var counts)) cells[row.Stratum] = counts = new long[1 << lists.Count];
            counts[row.Mask] = row.Count;
        }
        return [.. cells.Select(c => (c.Key, new CaptureHistories(lists, c.Value)))];
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
