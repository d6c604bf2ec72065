namespace CaseApi.Statistics.Coverage;

/// <summary>The model that allows catchability to differ between cases and fits best, and by how much it beats the log-linear models.</summary>
/// <param name="Model">The best latent-class or heterogeneity model that can be checked against the data.</param>
/// <param name="BestLogLinear">The log-linear model with the lowest AIC among those the headline averages.</param>
/// <param name="Gap">AIC of the best log-linear model minus the rival's: positive when the rival fits better.</param>
public sealed record HeterogeneityEvidence(CoverageModelFit Model, CoverageModelFit BestLogLinear, double Gap)
{
    /// <summary>Whether the rival fits clearly better: the data show that some cases are easier to find than others.</summary>
    public bool Fires => Gap > CoverageHeadlines.EvidenceGap;
}

/// <summary>
/// The headline rule: the smoothed-AIC average of the log-linear models, unless a model that lets catchability differ
/// between cases fits clearly better; then that latent-class model's estimate when its profile interval is bounded, and
/// otherwise a lower bound only. Chosen and validated by the Monte Carlo study in docs/guides/coverage-method.md.
/// </summary>
public static class CoverageHeadlines
{
    public const string SmoothedAicWeights = "smoothed-aic-weights";
    public const string LatentClassMethod = "latent-class";
    public const string LowerBound = "lower-bound";
    public const string Chapman = "chapman";

    /// <summary>
    /// AIC points by which a heterogeneity or latent-class model must beat the best log-linear model before the headline
    /// leaves the log-linear average. With 2, the simulation's homogeneous scenarios raise it in 0–3 % of populations and
    /// the heterogeneous ones in 92–100 % (docs/guides/coverage-method.md).
    /// </summary>
    public const double EvidenceGap = 2;

    private const string WeightsWhy =
        "An average of the log-linear models that can be checked against the data (nonzero residual df, fitted inside their " +
        "range), weighted by exp(−AIC/2) (Buckland, Burnham & Augustin 1997), with Buckland's unconditional standard error, " +
        "which adds each model's distance from the average to its own error, so the interval carries the uncertainty of " +
        "choosing a model.";

    /// <summary>
    /// Smoothed AIC weights over the eligible log-linear models (Buckland, Burnham &amp; Augustin 1997, Biometrics
    /// 53:603–618): wᵢ ∝ exp(−AICᵢ/2), N̄ = Σ wᵢNᵢ, se = Σ wᵢ √(seᵢ² + (Nᵢ − N̄)²), and Chao's log-normal interval on
    /// the unseen. Returns the fits with their weights set.
    /// </summary>
    public static (CoverageHeadline? Headline, IReadOnlyList<CoverageModelFit> Weighted) Average(
        CaptureHistories h, IReadOnlyList<CoverageModelFit> fits)
    {
        var eligible = fits.Where(IsAveraged).ToList();
        if (eligible.Count == 0) return (null, fits);

        var best = eligible.Min(f => f.Aic!.Value);
        var raw = eligible.ToDictionary(f => f, f => Math.Exp(-(f.Aic!.Value - best) / 2));
        var total = raw.Values.Sum();
        var weights = raw.ToDictionary(p => p.Key, p => p.Value / total);
        var estimate = weights.Sum(p => p.Value * p.Key.Estimate!.Value);
        var standardError = weights.Sum(p =>
            p.Value * Math.Sqrt(Math.Pow(p.Key.StandardError!.Value, 2) + Math.Pow(p.Key.Estimate!.Value - estimate, 2)));
        var (low, high) = CaptureRecapture.LogNormalInterval(h.Observed, estimate, standardError);
        var weighted = fits.Select(f => weights.TryGetValue(f, out var w) ? f with { Weight = w } : f).ToList();
        return (new CoverageHeadline(SmoothedAicWeights, estimate, standardError, [low, high], estimate - h.Observed, WeightsWhy), weighted);
    }

    private static bool IsAveraged(CoverageModelFit f) =>
        f.Family == CaptureRecapture.LogLinear && f.Estimate is not null && f.Df > 0 && f.Aic is not null
        && !f.Flags.Any(flag => flag.Code is "not-converged" or "boundary");

    /// <summary>
    /// The best model that lets catchability differ (Mh/Mth or latent classes) among those that can be checked: an
    /// estimate, nonzero df, converged. A latent-class fit on the boundary (a class that a list never catches) still
    /// counts: that is a proper maximum of its likelihood. Null without such a model or without an averaged log-linear one.
    /// </summary>
    public static HeterogeneityEvidence? Evidence(IReadOnlyList<CoverageModelFit> weighted)
    {
        var bestLogLinear = weighted.Where(f => f.Weight > 0).MinBy(f => f.Aic);
        var rival = weighted.Where(IsRival).MinBy(f => f.Aic);
        return bestLogLinear is null || rival is null ? null : new(rival, bestLogLinear, bestLogLinear.Aic!.Value - rival.Aic!.Value);
    }

    private static bool IsRival(CoverageModelFit f) =>
        f.Family is CaptureRecapture.HeterogeneityFamily or LatentClass.Family && f.Estimate is not null && f.Aic is not null && f.Df > 0
        && f.Ci95 is not null && !f.Flags.Any(flag => flag.Code == "not-converged" || (flag.Code == "boundary" && f.Family != LatentClass.Family));

    /// <summary>
    /// The headline the evidence supports. Without clear evidence of heterogeneous catchability, the log-linear average.
    /// With it, a latent-class model whose profile interval is bounded answers with its estimate and that interval; any
    /// other rival (an Mh/Mth model, whose extrapolation to the unseen cell is an assumption the data cannot test, Link
    /// 2003) or an unbounded interval leaves a lower bound only: the lower end of the average's interval or of the
    /// rival's, whichever is lower, because under heterogeneity both families tend to fall short of the truth.
    /// </summary>
    public static CoverageHeadline? Follow(long observed, CoverageHeadline? averaged, HeterogeneityEvidence? evidence)
    {
        if (averaged is null || evidence is not { Fires: true } e) return averaged;
        var rival = e.Model;
        var gap = FormattableString.Invariant($"{e.Gap:0.0}");
        if (rival.Family == LatentClass.Family && rival.Ci95![1] is not null && rival.StandardError is { } se)
        {
            return new CoverageHeadline(LatentClassMethod, rival.Estimate, se, rival.Ci95, rival.Estimate - observed,
                $"{rival.Model} fits {gap} AIC points better than the best log-linear model ({e.BestLogLinear.Model}): some cases are far " +
                "easier to find than others, which the log-linear models cannot express (they assume equal catchability and so fall " +
                "short). Its estimate and profile-likelihood interval are the answer (Agresti 1994; Coull & Agresti 1999).");
        }
        var low = Math.Min(averaged.Low, rival.Ci95![0]!.Value);
        return new CoverageHeadline(LowerBound, null, null, [low, null], null,
            $"{rival.Model} fits {gap} AIC points better than the best log-linear model ({e.BestLogLinear.Model}): some cases are far " +
            "easier to find than others. The log-linear models then fall short, and no model here bounds the number from above in a " +
            "way the data can check (Link 2003), so the answer is a lower bound: the lower end of the log-linear average's interval " +
            "or of the rival's, whichever is lower.");
    }

    /// <summary>Two lists allow one estimate only, Chapman's.</summary>
    public static CoverageHeadline? FromChapman(CaptureHistories h, IReadOnlyList<CoverageModelFit> fits)
    {
        var chapman = fits.Single(f => f.Family == CaptureRecapture.ClosedForm);
        return chapman.Estimate is not { } estimate ? null
            : new(Chapman, estimate, chapman.StandardError!.Value, chapman.Ci95!, estimate - h.Observed,
                "Two lists allow one estimate only, Chapman's bias-corrected Lincoln–Petersen (Chapman 1951), which assumes the lists " +
                "are independent; two lists leave no degrees of freedom to check that. Name a third list to compare models.");
    }
}
