using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// Multiple systems (capture–recapture) estimators of the size of a closed population from its capture histories:
/// each model of <see cref="CaptureModel"/> fitted, checked and flagged. Pure functions, no I/O, so that every formula
/// is unit-tested and simulated in process.
/// </summary>
public static class CaptureRecapture
{
    public const string LogLinear = "log-linear";
    public const string HeterogeneityFamily = "heterogeneity";
    public const string ClosedForm = "closed-form";

    private static readonly double ChiSquare95 = ChiSquared.InvCDF(1, 0.95);

    /// <summary>
    /// Every model of <see cref="CaptureModel.All"/> fitted to the histories, plus Chapman's estimator for two lists. Without
    /// <paramref name="logLinearIntervals"/> the log-linear models' profile intervals are left out (null): the headline never
    /// reads them, and they are most of the cost of five lists, which the Monte Carlo study repeats thousands of times.
    /// </summary>
    public static IReadOnlyList<CoverageModelFit> FitAll(CaptureHistories h, bool logLinearIntervals = true)
    {
        var models = CaptureModel.All(h.ListCount);
        var fits = new CoverageModelFit[models.Count];
        // Independent small fits: two threads halve the wall time of a five-list request (1,033 models).
        Parallel.For(0, models.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => fits[i] = Fit(h, models[i], logLinearIntervals || !models[i].IsLogLinear));
        return h.ListCount == 2 ? [EstimateChapman(h), .. fits] : fits;
    }

    /// <summary>
    /// Fits one model to the observed cells (Rivest &amp; Baillargeon 2007): N = observed + exp(intercept), its delta-method
    /// standard error √(e^β₀ + e^2β₀·var β₀), deviance, residual df, AIC and BIC as R's glm and Rcapture report them, the
    /// profile-likelihood interval, and flags for everything that makes the number untrustworthy.
    /// </summary>
    public static CoverageModelFit Fit(CaptureHistories h, CaptureModel model, bool interval = true)
    {
        var name = model.Name(h.Lists);
        var family = model.IsLogLinear ? LogLinear : HeterogeneityFamily;
        var interactions = model.InteractionNames(h.Lists);
        var x = model.Design(h, 1);
        var y = h.Counts.Skip(1).Select(c => (double)c).ToArray();
        var parameters = x[0].Length;
        CoverageModelFit Unfitted(string code, string reason) =>
            new(name, family, interactions, parameters, null, null, null, null, null, null, null, null, 0, [new ModelFlag(code, reason)]);

        if (h.Observed == 0) return Unfitted("not-identifiable", "No case is on any of the lists.");
        if (FitDropping(x, y, model.FirstDroppable(h.ListCount), null) is not { } result)
        {
            return Unfitted("not-identifiable", "The observed cells do not determine every parameter (a list or an overlap with no cases, or " +
                "too few cells).");
        }

        var (fit, _) = result;
        var unseen = Math.Exp(fit.Beta[0]);
        double observed = h.Observed;
        if (!double.IsFinite(unseen) || unseen > 1e6 * observed)
        {
            return Unfitted("not-identifiable", "The predicted unseen cell runs off to infinity: the data bound the size from below only.");
        }

        var estimate = observed + unseen;
        var standardError = Math.Sqrt(unseen + (unseen * unseen * fit.Covariance[0, 0]));
        var df = y.Length - fit.Rank;
        var aic = (2.0 * fit.Rank) - (2 * fit.LogLikelihood);
        var bic = aic + ((Math.Log(observed) - 2) * fit.Rank);
        double? pValue = df > 0 ? 1 - ChiSquared.CDF(df, Math.Max(fit.Deviance, 0)) : null;
        var profile = interval ? ProfileInterval(h, model, estimate, standardError) : (Low: double.NaN, High: (double?)null);

        List<ModelFlag> flags = [];
        if (df == 0) flags.Add(new("zero-df", "No degrees of freedom are left: the model fits any data exactly and cannot be checked against " +
            "the data."));
        if (!fit.Converged) flags.Add(new("not-converged", "The fit did not converge: the estimate is unreliable."));
        if (fit.Mu.Any(m => m < 1e-6))
        {
            flags.Add(new("boundary", "A fitted cell is zero: a parameter sits at the edge of its range, so its standard error and interval are " +
                "unreliable."));
        }
        if (Math.Abs(AsymptoticBias(x, fit, result.Columns)) > 0.1 * estimate)
        {
            flags.Add(new("asymptotic-bias", "The estimate's asymptotic bias exceeds 10 % of it (Rivest & Baillargeon 2007): too few cases for " +
                "this model."));
        }
        if (fit.Mu.Count(m => m < 5) > 0.2 * fit.Mu.Length)
        {
            flags.Add(new("sparse-cells", "More than a fifth of the cells expect fewer than 5 cases: the deviance, p-value and AIC are rough " +
                "guides only."));
        }
        if (pValue < 0.05) flags.Add(new("poor-fit", $"The model does not fit the observed patterns (p = {pValue:0.###})."));
        if (interval && profile.High is null)
        {
            flags.Add(new("unbounded-interval", "The likelihood does not fall off above the estimate: the data bound the " +
                "size from below only."));
        }

        return new CoverageModelFit(name, family, interactions, fit.Rank, estimate, standardError, interval ? [profile.Low, profile.High] : null,
            fit.Deviance, df, pValue, aic, bic, 0, flags);
    }

    /// <summary>
    /// Fits the model; while a droppable (Chao η) coefficient is negative, drops the first such column and refits, as
    /// Rcapture does. Null when some fit is not identifiable.
    /// </summary>
    private static (PoissonFit Fit, int[] Columns)? FitDropping(double[][] x, double[] y, int firstDroppable, double[]? start, bool covariance = true)
    {
        var columns = Enumerable.Range(0, x[0].Length).ToArray();
        while (true)
        {
            var design = columns.Length == x[0].Length ? x : [.. x.Select(row => columns.Select(c => row[c]).ToArray())];
            if (PoissonRegression.Fit(design, y, start?.Length == columns.Length ? start : null, covariance) is not { } fit) return null;
            var negative = Array.FindIndex(columns, c => c >= firstDroppable && fit.Beta[Array.IndexOf(columns, c)] < 0);
            if (negative < 0) return (fit, columns);
            columns = [.. columns.Where((_, i) => i != negative)];
        }
    }

    /// <summary>
    /// The first-order bias of N̂ (Rivest &amp; Baillargeon 2007, after Cox &amp; Snell 1968): with I⁻¹ the coefficients'
    /// covariance, ξᵢ = −½ xᵢᵀI⁻¹xᵢ, ψ = −2Xᵀdiag(μ)ξ − e₀, bias = ½·e^β₀·(−I⁻¹ψ)₀.
    /// </summary>
    private static double AsymptoticBias(double[][] x, PoissonFit fit, int[] columns)
    {
        var p = columns.Length;
        var psi = new double[p];
        for (var i = 0; i < x.Length; i++)
        {
            var row = columns.Select(c => x[i][c]).ToArray();
            var quadratic = 0.0;
            for (var a = 0; a < p; a++)
            {
                for (var b = 0; b < p; b++) quadratic += row[a] * fit.Covariance[a, b] * row[b];
            }
            for (var a = 0; a < p; a++) psi[a] += fit.Mu[i] * row[a] * quadratic;
        }
        psi[0] -= 1;
        var first = 0.0;
        for (var b = 0; b < p; b++) first -= fit.Covariance[0, b] * psi[b];
        return 0.5 * Math.Exp(fit.Beta[0]) * first;
    }

    /// <summary>
    /// The 95 % profile-likelihood interval for N (Cormack 1992, Biometrics 48:567–576): N's multinomial likelihood,
    /// maximised over the model's parameters by fitting the model to the complete 2^k table with N − observed in the
    /// unseen cell, and every N whose deviance from the maximum is within χ²₁(0.95) = 3.84. High is null when no N up
    /// to a thousand times the unseen estimate reaches the cut-off.
    /// </summary>
    public static (double Low, double? High) ProfileInterval(CaptureHistories h, CaptureModel model, double estimate, double standardError)
    {
        double observed = h.Observed;
        var logLikelihood = ProfileLogLikelihood(h, model);

        // The multinomial maximum lies a little below the Poisson estimate (Cormack 1992), so a couple of standard errors
        // bracket it; a tolerance of a hundredth of one costs nothing in the maximum, which is flat there.
        // N = observed exactly puts 0 in the unseen cell, a boundary some models cannot be fitted on.
        var se = Math.Max(standardError, 1e-3);
        var lowest = observed + (1e-6 * Math.Max(estimate - observed, 1));
        var peak = Maximise(logLikelihood, Math.Max(lowest, estimate - (2 * se)), estimate + (0.1 * se) + 1e-3, 0.01 * se);
        var maximum = logLikelihood(peak);
        if (!double.IsFinite(maximum)) return (observed, null);
        double Excess(double n) => (2 * (maximum - logLikelihood(n))) - ChiSquare95;

        // Step out from the peak one standard error at a time so that each bound is the crossing nearest to it: with Chao's
        // η dropped at some N but not at others the profile has kinks, and a root anywhere below the peak might not bound
        // a connected interval.
        var below = peak;
        while (below > lowest && Excess(Math.Max(below - se, lowest)) <= 0) below = Math.Max(below - se, lowest);
        var low = below <= lowest ? observed : Root(Excess, Math.Max(below - se, lowest), below);
        var (above, step) = (peak, se);
        while (Excess(above + step) <= 0)
        {
            above += step;
            step *= 2;
            if (above > observed + (1000 * (estimate - observed + se))) return (low, null);
        }
        return (low, Root(Excess, above, above + step));
    }

    /// <summary>N ↦ the model's multinomial log-likelihood maximised over its other parameters (Cormack 1992), up to a constant.</summary>
    internal static Func<double, double> ProfileLogLikelihood(CaptureHistories h, CaptureModel model)
    {
        var x = model.Design(h, 0);
        double observed = h.Observed;
        var y = h.Counts.Select(c => (double)c).ToArray();
        var firstDroppable = model.FirstDroppable(h.ListCount);
        double[]? start = null;

        return n =>
        {
            y[0] = n - observed;
            // A warm start from a distant N can overshoot; a cold start from the counts is the fallback.
            var fitted = FitDropping(x, y, firstDroppable, start, false) ?? FitDropping(x, y, firstDroppable, null, false);
            if (fitted is not { } result) return double.NegativeInfinity;
            start = result.Fit.Beta;
            var kernel = 0.0;
            for (var i = 0; i < y.Length; i++) kernel += y[i] > 0 ? y[i] * Math.Log(result.Fit.Mu[i] / n) : 0;
            return PoissonRegression.LogFactorial(n) - PoissonRegression.LogFactorial(n - observed) + kernel;
        };
    }

    /// <summary>Golden-section search for the maximum of a unimodal <paramref name="f"/> on [a, b]; −∞ values (no fit) just lose.</summary>
    internal static double Maximise(Func<double, double> f, double a, double b, double tolerance)
    {
        const double golden = 0.6180339887498949;
        double c = b - (golden * (b - a)), d = a + (golden * (b - a));
        double fc = f(c), fd = f(d);
        while (b - a > tolerance)
        {
            if (fc >= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - (golden * (b - a));
                fc = f(c);
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + (golden * (b - a));
                fd = f(d);
            }
        }
        return (a + b) / 2;
    }

    /// <summary>
    /// Where <paramref name="f"/> (a deviance) crosses zero between the bracket's ends, to 1e-5; if Brent's method
    /// fails, the outer end, so the interval errs wide.
    /// </summary>
    internal static double Root(Func<double, double> f, double from, double to) =>
        Brent.TryFindRoot(f, from, to, 1e-5, 100, out var root) ? root : f(from) > 0 ? from : to;

    /// <summary>
    /// Chapman's bias-corrected Lincoln–Petersen estimator for two lists (Chapman 1951, Univ. Calif. Publ. Stat.
    /// 1:131–160: N = (n1+1)(n2+1)/(m+1) − 1) with Seber's variance (Seber 1982, The Estimation of Animal Abundance, §3.1.1)
    /// and the log-normal interval of Chao (1987) that never falls below the observed count.
    /// </summary>
    public static CoverageModelFit EstimateChapman(CaptureHistories h)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(h.ListCount, 2, nameof(h));
        double n1 = h.OnList(0), n2 = h.OnList(1), m = h.Counts[0b11];
        const string name = "Chapman";
        var zeroDf = new ModelFlag("zero-df", "Two lists leave no degrees of freedom: independence of the lists is assumed and cannot be " +
            "checked against the data.");
        if (m == 0)
        {
            return new(name, ClosedForm, [], 2, null, null, null, null, null, null, null, null, 0,
                [new("not-identifiable", "No case is on both lists (m = 0): without an overlap two lists say nothing about the cases both " +
                    "missed."), zeroDf]);
        }

        var estimate = ((n1 + 1) * (n2 + 1) / (m + 1)) - 1;
        var variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) * (m + 1) * (m + 2));
        var (low, high) = LogNormalInterval(h.Observed, estimate, Math.Sqrt(variance));
        List<ModelFlag> flags = [zeroDf];
        // Robson & Regier (1964), Trans. Am. Fish. Soc. 93:215–226: Chapman's estimator is nearly unbiased once m > 7.
        if (m <= 7) flags.Add(new("asymptotic-bias", $"Only {m} case(s) on both lists: with 7 or fewer the estimate is biased and its interval " +
            "wide (Robson & Regier 1964)."));
        return new(name, ClosedForm, [], 2, estimate, Math.Sqrt(variance), [low, high], null, 0, null, null, null, 0, flags);
    }

    /// <summary>
    /// Chao (1987), Biometrics 43:783–791, p. 788: the unseen f0 = N − observed taken as log-normal, so with
    /// C = exp(1.96·√ln(1 + se²/f0²)) the 95 % interval is [observed + f0/C, observed + f0·C], never below what was seen.
    /// </summary>
    public static (double Low, double High) LogNormalInterval(double observed, double estimate, double standardError)
    {
        var f0 = estimate - observed;
        if (f0 <= 0) return (observed, observed);
        var c = Math.Exp(1.959963984540054 * Math.Sqrt(Math.Log(1 + (standardError * standardError / (f0 * f0)))));
        return (observed + (f0 / c), observed + (f0 * c));
    }
}
