namespace CaseApi.Statistics.Coverage;

/// <summary>
/// Whole answers built from counted capture histories: the population in words, and the stratified answers (by period
/// of the lists' coverage, or by the values of one single-valued field) whose strata are estimated apart and added up.
/// Stratifying by a field that marks the easily found cases is the classic remedy for heterogeneous catchability
/// (Sekar &amp; Deming 1949; Seber 1982, §11.2): within a stratum catchability is more nearly equal.
/// </summary>
public static class CoverageStrata
{
    /// <summary>The population the default (common-window) answer is about.</summary>
    public static CoveragePopulation CommonPopulation(string? dateField, int? from, int? to, IReadOnlyList<CoverageWindow> windows, string? stratify)
    {
        var field = dateField ?? "charged";
        var description = from is null && to is null
            ? "The cases the filters select; the named lists have no coverage periods to restrict them."
            : $"The cases the filters select, dated by '{field}' within {CoverageNotes.Period(from, to)}: the years every named list covers " +
              $"({Periods(windows)}). Cases outside those years, or undated, could not be on every list and are left out.";
        if (stratify is not null)
        {
            description += $" Estimated separately for each value of '{stratify}' and added up.";
        }
        return new CoveragePopulation(CoverageQuery.Common, field, from, to, description);
    }

    public static string Periods(IReadOnlyList<CoverageWindow> windows) =>
        string.Join(", ", windows.Select(w => $"{w.List} {CoverageNotes.Period(w.From, w.To)}"));

    /// <summary><c>stratify=field</c>: each value's histories analysed on their own, the answers added up.</summary>
    public static CoverageResponse ByField(
        CaptureHistories all, CoveragePopulation population, MatchingEvidence evidence,
        IReadOnlyList<(string Value, CaptureHistories Histories)> strata)
    {
        List<CoverageStratum> analysed = [];
        foreach (var (value, histories) in strata)
        {
            var analysis = CoverageAnalysis.Analyse(histories);
            analysed.Add(new(value, null, null, histories.Lists, histories.Observed, analysis.Headline, analysis.Notes));
        }
        return CoverageResponse.From(all, population, evidence, CoverageAnalysis.OfStrata(analysed, "stratum"), analysed);
    }

    /// <summary><c>windows=stratified</c>: each period analysed with the lists that cover it, the answers added up.</summary>
    public static CoverageResponse ByPeriod(
        CaptureHistories all, string? dateField, IReadOnlyList<CoverageWindow> windows, MatchingEvidence evidence,
        IReadOnlyList<(int? From, int? To, IReadOnlyList<string> Lists, CaptureHistories Histories)> periods)
    {
        List<CoverageStratum> strata = [];
        foreach (var (from, to, lists, histories) in periods)
        {
            var analysis = lists.Count >= 2 ? CoverageAnalysis.Analyse(histories) : null;
            strata.Add(new CoverageStratum(null, from, to, lists, histories.Observed, analysis?.Headline,
                analysis?.Notes ?? ["Fewer than two of the named lists cover these years."]));
        }
        var field = dateField ?? "charged";
        var population = new CoveragePopulation(CoverageQuery.Stratified, field, strata[0].From, strata[^1].To,
            $"Cases dated by '{field}', cut into {strata.Count} period(s) by the lists' coverage ({Periods(windows)}); " +
            "each period is estimated from the lists that cover it, and the periods are added up. Undated cases are left out.");
        return CoverageResponse.From(all, population, evidence, CoverageAnalysis.OfStrata(strata, "period"), strata);
    }
}
