namespace CaseApi.Statistics.Coverage;

/// <summary>
/// Everything the coverage answer says about one population: the models, the headline the evidence supports, the share
/// the lists hold, how far the answer moves across models, the sentence to quote and the notes. Built only here, for one
/// table of capture histories (<see cref="Analyse"/>) or for strata added up (<see cref="OfStrata"/>).
/// </summary>
public sealed record CoverageAnalysis(
    long Observed,
    IReadOnlyList<CoverageModelFit> Models,
    CoverageHeadline? Headline,
    ObservedShare? ObservedShare,
    CoverageSensitivity? Sensitivity,
    string Interpretation,
    IReadOnlyList<string> Notes)
{
    public const string StrataSum = "strata-sum";

    /// <summary>
    /// Fits every model, lets the evidence choose the headline, and says what the data cannot tell. Without
    /// <paramref name="logLinearIntervals"/> (the Monte Carlo study) the log-linear models carry no interval: the headline
    /// is the same, the sensitivity envelopes leave those models out.
    /// </summary>
    public static CoverageAnalysis Analyse(CaptureHistories h, bool logLinearIntervals = true)
    {
        IReadOnlyList<CoverageModelFit> fits = [.. CaptureRecapture.FitAll(h, logLinearIntervals), .. LatentClass.FitAll(h)];
        if (h.Observed == 0) return Unanswered(0, fits, "No case in this population is on any of the named lists.");

        var (averaged, weighted) = h.ListCount == 2 ? (CoverageHeadlines.FromChapman(h, fits), fits) : CoverageHeadlines.Average(h, fits);
        var evidence = CoverageHeadlines.Evidence(weighted);
        var headline = CoverageHeadlines.Follow(h.Observed, averaged, evidence);
        var sensitivity = SensitivityOf(weighted);
        var notes = CoverageNotes.For(h, weighted, averaged, evidence);
        return new(h.Observed, weighted, headline, CoverageNotes.Share(h.Observed, headline, sensitivity), sensitivity,
            CoverageNotes.Interpret(h.Observed, headline, sensitivity, evidence), notes);
    }

    /// <summary>An answer without a headline: the notes say why.</summary>
    public static CoverageAnalysis Unanswered(long observed, IReadOnlyList<CoverageModelFit> models, params IReadOnlyList<string> notes) =>
        new(observed, models, null, null, null, CoverageNotes.Interpret(observed, null, null, null), notes);

    private static CoverageSensitivity? SensitivityOf(IReadOnlyList<CoverageModelFit> fits)
    {
        var estimated = fits.Where(f => f.Estimate is not null && f.Ci95 is not null).ToList();
        if (estimated.Count == 0) return null;
        static IReadOnlyList<double>? Range(IEnumerable<CoverageModelFit> subset) =>
            subset.Select(f => f.Estimate!.Value).ToList() is { Count: > 0 } values ? [values.Min(), values.Max()] : null;
        static IReadOnlyList<double?>? Envelope(IReadOnlyList<CoverageModelFit> subset) =>
            subset.Count == 0 ? null : [subset.Min(f => f.Ci95![0]!.Value), subset.Any(f => f.Ci95![1] is null) ? null : subset.Max(f => f.Ci95![1])];

        // Burnham & Anderson (2002), §2.6: models more than 10 AIC points behind the best have essentially no support.
        var fitting = estimated.Where(f => f.Df > 0 && f.PValue >= 0.05 && f.Aic is not null).ToList();
        var supported = fitting.Count == 0 ? [] : fitting.Where(f => f.Aic <= fitting.Min(m => m.Aic) + 10).ToList();
        return new CoverageSensitivity(estimated.Count, Range(estimated)!, Envelope(estimated)!, Envelope(supported),
            Range(estimated.Where(f => f.Family == CaptureRecapture.LogLinear && f.Df > 0)),
            Range(estimated.Where(f => f.Family == CaptureRecapture.HeterogeneityFamily)),
            Range(estimated.Where(f => f.Family == LatentClass.Family)));
    }

    /// <summary>
    /// The strata added up: their headlines and variances (the strata hold different cases, so their estimates are
    /// independent), with the log-normal interval on the total unseen; a lower bound only if any stratum's answer is one,
    /// then the sum of the strata's lower ends. Strata without a headline are left out and the notes count their cases.
    /// </summary>
    public static CoverageAnalysis OfStrata(IReadOnlyList<CoverageStratum> strata, string what)
    {
        var estimated = strata.Where(s => s.Headline is not null).ToList();
        List<string> notes = estimated.Count == 0 ? [$"No {what} could be estimated: each needs two lists covering it that overlap."] : [];
        notes.AddRange(strata.Where(s => s.Headline is null && s.Observed > 0)
            .Select(s => $"{s.Observed} case(s) of {Label(s)} are left out of the total: {string.Join(" ", s.Notes)}"));
        notes.AddRange(strata.Where(s => s.Headline is not null && s.Observed < SparseStratum)
            .Select(s => $"{Label(s)} holds only {s.Observed} case(s): too sparse for its models to be checked, so its part of the total " +
                "is rough."));
        long observed = estimated.Sum(s => s.Observed);
        if (estimated.Count == 0) return Unanswered(observed, [], notes);

        var low = estimated.Sum(s => s.Headline!.Low);
        CoverageHeadline headline;
        if (estimated.Any(s => s.Headline!.IsLowerBound))
        {
            headline = new(StrataSum, null, null, [low, null], null,
                "Each stratum is estimated on its own and the answers added up; in at least one the lists cannot bound the number from " +
                "above, so the total is a lower bound: the sum of the strata's lower ends.");
        }
        else
        {
            var estimate = estimated.Sum(s => s.Headline!.Estimate!.Value);
            var standardError = Math.Sqrt(estimated.Sum(s => Math.Pow(s.Headline!.StandardError!.Value, 2)));
            var (l, u) = CaptureRecapture.LogNormalInterval(observed, estimate, standardError);
            headline = new(StrataSum, estimate, standardError, [l, u], estimate - observed,
                "Each stratum is estimated from its own capture histories (and, for periods, from the lists that cover it), and the " +
                "strata's headlines and variances are added up. Strata that cannot be estimated are left out.");
        }
        return new(observed, [], headline, CoverageNotes.Share(observed, headline, null), null,
            CoverageNotes.Interpret(observed, headline, null, null), notes);
    }

    /// <summary>A stratum with fewer observed cases than this is called too sparse in the notes.</summary>
    public const int SparseStratum = 30;

    private static string Label(CoverageStratum s) => s.Value ?? CoverageNotes.Period(s.From, s.To);

    /// <summary>The assumptions the estimates rest on, in words.</summary>
    public static IReadOnlyList<string> Assumptions { get; } =
    [
        "Closed population: every list draws on the same cases, those the filters select within the years all lists cover.",
        "Dependence between lists only as the models allow: the log-linear models allow pairs of lists to depend on each other, " +
        "never three at once; lists that copy each other beyond that make the estimate too small.",
        "Catchability: the log-linear models assume every case equally easy to find; cases that are easier to find for every list " +
        "(high-profile prosecutions) make them too small. The heterogeneity and latent-class models allow for it, and the headline " +
        "turns to them, or to a lower bound, when they fit clearly better.",
        "Perfect matching: a case appears once with all its lists; duplicates or missed links between lists distort the overlaps.",
        "Catchable population: a case never detected or never made public cannot be on any list, so it is not in the estimate.",
    ];
}
