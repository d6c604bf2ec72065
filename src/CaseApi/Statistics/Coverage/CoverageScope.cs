using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// What the answer's population leaves out of the named lists' cases, and why: filtered out, undated, or outside the
/// years the answer covers; and each list's cases dated outside its own window. Stated so that a reader can add the
/// numbers up: observed plus the three exclusions is every case on the lists.
/// </summary>
internal static class CoverageScope
{
    /// <summary>The named lists' cases the windowed filter leaves out, under the first reason that applies.</summary>
    public static Task<CoverageExclusions> ExclusionsAsync(
        CaseFilter filter, int? from, int? to, IReadOnlyList<string> lists, CaseDbContext db, CancellationToken ct)
    {
        var selected = (filter with { From = null, To = null }).ToSql();
        // A year bound on an undated case is NULL, not false: coalesce, or NOT would leave the case uncounted.
        var windowed = (filter with { From = from, To = to }).ToSql();
        var dated = SqlFragment.Raw($"c.{filter.DateColumn}");
        return db.Database.Query<CoverageExclusions>(SqlFragment.Of($"""
            SELECT count(*) FILTER (WHERE NOT ({selected})) AS filtered_out,
                   count(*) FILTER (WHERE ({selected}) AND {dated} IS NULL AND NOT coalesce({windowed}, false)) AS undated,
                   count(*) FILTER (WHERE ({selected}) AND {dated} IS NOT NULL AND NOT ({windowed})) AS outside_windows
            FROM {filter.View.Table("cases")} c WHERE c.listed_in && {lists.ToArray()}
            """)).SingleAsync(ct);
    }

    /// <summary>For each list with a coverage period, its cases the filters select that are dated outside that period.</summary>
    public static async Task<IReadOnlyList<ListOutsideWindow>> OutsideWindowAsync(
        CaseFilter filter, IReadOnlyList<CoverageWindow> windows, CaseDbContext db, CancellationToken ct)
    {
        var selected = (filter with { From = null, To = null }).ToSql();
        var dated = SqlFragment.Raw($"c.{filter.DateColumn}");
        List<ListOutsideWindow> found = [];
        foreach (var w in windows.Where(w => w.From is not null || w.To is not null))
        {
            var before = w.From is { } f ? SqlFragment.Of($"{dated} < make_date({f}, 1, 1)") : SqlFragment.Raw("FALSE");
            var after = w.To is { } t ? SqlFragment.Of($"{dated} >= make_date({t} + 1, 1, 1)") : SqlFragment.Raw("FALSE");
            var count = await db.Database.Query<long>(SqlFragment.Of($"""
                SELECT count(*) AS "Value" FROM {filter.View.Table("cases")} c
                WHERE ({selected}) AND c.listed_in @> ARRAY[{w.List}] AND ({before} OR {after})
                """)).SingleAsync(ct);
            found.Add(new ListOutsideWindow(w.List, w.From, w.To, count));
        }
        return found;
    }

    /// <summary>The population with its counts: the cases in scope (observed) and those left out.</summary>
    public static CoveragePopulation Stated(
        CoveragePopulation population, long observed, CoverageExclusions excluded, IReadOnlyList<ListOutsideWindow> outside)
    {
        var description = population.Description + FormattableString.Invariant(
            $" In scope: {observed} case(s) on the named lists; left out: {excluded.FilteredOut} filtered out, {excluded.Undated} undated, ") +
            FormattableString.Invariant($"{excluded.OutsideWindows} outside the years.");
        return population with { Description = description, Cases = observed, Excluded = excluded, OutsideWindow = outside };
    }

    /// <summary>Notes on the lists holding cases dated outside their own windows.</summary>
    public static IEnumerable<string> OutsideWindowNotes(IReadOnlyList<ListOutsideWindow> outside) =>
        outside.Where(o => o.Cases > 0).Select(o => FormattableString.Invariant(
            $"'{o.List}' holds {o.Cases} case(s) dated outside its coverage period ({CoverageNotes.Period(o.From, o.To)}): ") +
            "a wrong date, a wrong link or a wrong period; the windowed answer leaves them out.");

    /// <summary>The named lists none of whose cases are in scope, in the order given (read from the answer's pattern counts).</summary>
    public static IReadOnlyList<string> ListsWithoutCases(CoverageResponse response) =>
        [.. response.Lists.Where((_, i) => !response.Histories.Any(h => h.Key[i] == '1' && h.Value > 0))];
}
