using CaseApi.Cases;
using CaseApi.Store;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// How an answer's headline is made from capture histories, so that the linkage sensitivity can make it again from
/// changed ones: one table (<see cref="Whole"/>), or strata estimated apart and added up (<see cref="Of"/>: the values of
/// the stratify field, or the periods of windows=stratified). A link changes the histories of its case's stratum only.
/// </summary>
/// <param name="Key">Each case's stratum as SQL over the alias <c>c</c>; null for a case in no stratum.</param>
/// <param name="Lists">The named lists.</param>
/// <param name="Strata">Each stratum's key, its histories and its part of the answer (null for the whole table).</param>
/// <param name="What">What a stratum is ("stratum", "period"); null for the whole table.</param>
internal sealed record LinkageStrata(
    SqlFragment Key, IReadOnlyList<string> Lists, IReadOnlyList<(string Key, CaptureHistories Histories, CoverageStratum? Stratum)> Strata,
    string? What)
{
    public static LinkageStrata Whole(CaptureHistories histories) => new(SqlFragment.Raw("''"), histories.Lists, [("", histories, null)], null);

    public static LinkageStrata Of(
        SqlFragment key, IReadOnlyList<string> lists, IReadOnlyList<(string Key, CaptureHistories Histories, CoverageStratum? Stratum)> strata,
        string what) => new(key, lists, strata, what);

    /// <summary>The period of each case's year in the chosen date field, as the period's index (text).</summary>
    public static SqlFragment PeriodKey(CaseFilter filter, IEnumerable<(int? From, int? To)> periods)
    {
        var year = SqlFragment.Raw($"extract(year from c.{filter.DateColumn})::int");
        var whens = periods.Select((p, i) =>
            SqlFragment.Of($" WHEN {year} >= {p.From ?? int.MinValue} AND {year} <= {p.To ?? int.MaxValue} THEN {Index(i)}"));
        return SqlFragment.Of($"CASE{SqlFragment.Join("", whens)} END");
    }

    public static string Index(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A stratum's histories; a stratum the answer has no case in starts empty.</summary>
    public CaptureHistories HistoriesOf(string key) =>
        Strata.Where(s => s.Key == key).Select(s => s.Histories).FirstOrDefault() ?? new CaptureHistories(Lists, new long[1 << Lists.Count]);

    /// <summary>The headline with some strata's histories replaced; the strata not replaced keep their own headline.</summary>
    public CoverageHeadline? Headline(IReadOnlyDictionary<string, CaptureHistories> changed)
    {
        if (What is null) return Analyse(changed.GetValueOrDefault("") ?? Strata[0].Histories);
        List<CoverageStratum> strata = [.. Strata.Select(s => changed.TryGetValue(s.Key, out var h) ? Reanalysed(s.Stratum!, h) : s.Stratum!)];
        strata.AddRange(changed.Where(c => Strata.All(s => s.Key != c.Key))
            .Select(c => Reanalysed(new CoverageStratum(c.Key, null, null, Lists, 0, null, []), c.Value)));
        return CoverageAnalysis.OfStrata(strata, What).Headline;
    }

    // A period covered by fewer than two lists has no estimate, with or without the change.
    private static CoverageStratum Reanalysed(CoverageStratum stratum, CaptureHistories histories) =>
        stratum with { Observed = histories.Observed, Headline = stratum.Lists.Count >= 2 ? Analyse(histories) : null };

    private static CoverageHeadline? Analyse(CaptureHistories histories) => CoverageAnalysis.Analyse(histories, logLinearIntervals: false).Headline;
}
