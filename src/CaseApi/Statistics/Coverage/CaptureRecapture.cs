using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.RootFinding;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// Multiple systems (capture–recapture) estimators of the size of a closed population from its capture histories
///. Pure functions, no I/O, so that every formula is unit-tested and simulated in process.
/// </summary>
public static class CaptureRecapture
{
    public const string Chapman = "lincoln-petersen-chapman";
    public const string ChaoLowerBound = "chao-lower-bound";
    public const string LogLinear = "log-linear";

    private static readonly double Z95 = Normal.InvCDF(0, 1, 0.975);
    private static readonly double ChiSquare95 = ChiSquared.InvCDF(1, 0.95);

    /// <summary>Every method defined for this many lists: Chapman for two, Chao for any, log-linear for three or more.</summary>
    public static IReadOnlyList<CoverageEstimate> EstimateAll(CaptureHistories h) =>
        h.ListCount == 2 ? [EstimateChapman(h), EstimateChao(h)] : [EstimateChao(h), EstimateLogLinear(h)];

    /// <summary>Chapman's bias-corrected Lincoln–Petersen estimator for two lists, with Seber's variance.</summary>
    public static CoverageEstimate EstimateChapman(CaptureHistories h)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(h.ListCount, 2, nameof(h));
        double n1 = h.OnList(0), n2 = h.OnList(1), m = h.Counts[0b11];
        if (m == 0)
        {
            return Undefined(Chapman, "No case is on both lists (m = 0): without an overlap the two lists say nothing about the cases both missed.");
        }

        // Chapman (1951), Univ. Calif. Publ. Stat. 1:131–160: N = (n1+1)(n2+1)/(m+1) − 1.
        var estimate = ((n1 + 1) * (n2 + 1) / (m + 1)) - 1;
        // Seber (1970), Biometrika 57:313–318; Seber (1982), The Estimation of Animal Abundance, 2nd ed., §3.1.1:
        // var = (n1+1)(n2+1)(n1−m)(n2−m) / ((m+1)²(m+2)).
        var variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) * (m + 1) * (m + 2));
        // Robson & Regier (1964), Trans. Am. Fish. Soc. 93:215–226: Chapman's estimator is nearly unbiased once m > 7.
        IReadOnlyList<string> notes = m > 7 ? [] : [$"Only {m} case(s) on both lists: with 7 or fewer the estimate is biased and its interval wide (Robson & Regier 1964)."];
        return WithLogNormalInterval(Chapman, h.Observed, estimate, variance, notes);
    }

    /// <summary>Chao's lower bound from the cases seen on exactly one (f1) and exactly two (f2) lists.</summary>
    public static CoverageEstimate EstimateChao(CaptureHistories h)
    {
        double f1 = h.SeenOn(1), f2 = h.SeenOn(2);
        // Chao (1987), Biometrics 43:783–791: N ≥ S + f1²/(2·f2), the estimator docs/design.md names. (Chao 1989 and Chao
        // et al. 2001 refine it by (t−1)/t for few lists; we report the published 1987 form that others reproduce.)
        if (f2 == 0)
        {
            return Undefined(ChaoLowerBound,
                $"No case is on exactly two lists (f2 = 0), and Chao's bound divides by f2. The bias-corrected form S + f1(f1−1)/2 " +
                $"would give {h.Observed + (f1 * (f1 - 1) / 2):0.#}, but without doubletons it has no dependable interval.");
        }

        var estimate = h.Observed + (f1 * f1 / (2 * f2));
        // Chao (1987), p. 788: var = f2·[(f1/f2)⁴/4 + (f1/f2)³ + (f1/f2)²/2].
        var r = f1 / f2;
        var variance = f2 * ((r * r * r * r / 4) + (r * r * r) + (r * r / 2));
        return WithLogNormalInterval(ChaoLowerBound, h.Observed, estimate, variance,
            ["A lower bound when catchability differs between cases (each case equally likely on every list): the true size is likely larger."]);
    }

    /// <summary>
    /// Poisson log-linear models of the 2^k − 1 observed cells, from independence up to all two-way interactions, the
    /// model chosen by AIC, the unseen cell predicted from its intercept, and a profile-likelihood 95 % interval.
    /// </summary>
    public static CoverageEstimate EstimateLogLinear(CaptureHistories h)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(h.ListCount, 3, nameof(h));
        var models = Models(h.ListCount);
        var fits = models.Select(model => (Model: model, Fit: FitModel(h, model))).ToList();
        var compared = fits.Select(f => new LogLinearModelFit(ModelName(h, f.Model), [.. f.Model.Select(p => PairName(h, p))],
            1 + h.ListCount + f.Model.Count, f.Fit?.Estimate, f.Fit?.Aic)).ToList();
        var fitted = fits.Where(f => f.Fit is not null).ToList();
        if (h.Observed == 0 || fitted.Count == 0)
        {
            return Undefined(LogLinear, "No log-linear model could be fitted: zero counts put every model's parameters on the boundary.") with { Models = compared };
        }

        // Akaike (1974); all models are fitted to the same cells, so their AICs compare directly.
        var best = fitted.MinBy(f => f.Fit!.Value.Aic);
        var estimate = best.Fit!.Value.Estimate;
        var (low, high) = ProfileInterval(h, best.Model);
        List<string> notes = [];
        if (high is null) notes.Add("The likelihood does not fall off above the estimate: the data bound the size from below only.");
        if (best.Model.Count == h.ListCount * (h.ListCount - 1) / 2 && h.ListCount == 3)
        {
            notes.Add("With three lists the all-two-way model is saturated (no degrees of freedom left): it fits any data and cannot be checked against them.");
        }
        return new CoverageEstimate(LogLinear, estimate, null, [low, high], h.Observed / estimate, notes, ModelName(h, best.Model), compared);
    }

    /// <summary>The assumptions the estimates rest on, in words, naming the dependencies the chosen log-linear model allows.</summary>
    public static IReadOnlyList<string> Assumptions(CaptureHistories h, IReadOnlyList<CoverageEstimate> estimates)
    {
        List<string> assumptions =
        [
            "Closed population: every list draws on the same set of cases (the one the filters define); a list that only covers some years makes the others look incomplete.",
            "Independent lists: being on one list does not change a case's chance of being on another. Lists that copy each other (a survey built from press releases) make the estimate too small; lists that avoid each other make it too large.",
            "Equal catchability: every case has the same chance of being on a given list. Cases that are easier to find for every list (high-profile prosecutions) make the Chapman and log-linear estimates too small; Chao's lower bound is built to survive this.",
            "Perfect matching: a case appears once with all its lists; duplicates or missed links between lists distort the overlaps.",
        ];
        var logLinear = estimates.FirstOrDefault(e => e.Method == LogLinear && e.Estimate is not null);
        if (logLinear is not null)
        {
            var relaxed = logLinear.Models!.First(m => m.Model == logLinear.Model).Interactions;
            assumptions.Add(relaxed.Count == 0
                ? "The chosen log-linear model is the independence model: it relaxes no dependence between lists."
                : $"The chosen log-linear model allows dependence between {string.Join("; between ", relaxed.Select(pair => pair.Replace(":", " and ", StringComparison.Ordinal)))}, and assumes no three-way dependence.");
        }
        return assumptions;
    }

    /// <summary>The models compared: independence, each single two-way interaction, and all two-way interactions.</summary>
    internal static IReadOnlyList<IReadOnlyList<(int A, int B)>> Models(int lists)
    {
        var pairs = (from a in Enumerable.Range(0, lists) from b in Enumerable.Range(a + 1, lists - a - 1) select (a, b)).ToList();
        List<IReadOnlyList<(int A, int B)>> models = [[], .. pairs.Select(p => (IReadOnlyList<(int, int)>)[p])];
        if (pairs.Count > 1) models.Add(pairs);
        return models;
    }

    /// <summary>Fits one log-linear model to the observed cells: its estimate (observed + exp(intercept)) and AIC, or null when the fit diverges.</summary>
    internal static (double Estimate, double Aic)? FitModel(CaptureHistories h, IReadOnlyList<(int A, int B)> interactions)
    {
        var x = Design(h, interactions, includeUnseen: false);
        var y = Vector<double>.Build.Dense(h.Counts.Count - 1, i => h.Counts[i + 1]);
        if (FitPoisson(x, y) is not { } beta) return null;

        var mu = (x * beta).PointwiseExp();
        // Poisson log-likelihood Σ y·ln μ − μ − ln y! ; AIC = 2p − 2·ln L (Akaike 1974).
        var logLikelihood = y.Select((v, i) => (v > 0 ? v * Math.Log(mu[i]) : 0) - mu[i] - SpecialFunctions.GammaLn(v + 1)).Sum();
        var unseen = Math.Exp(beta[0]);
        return double.IsFinite(unseen) ? (h.Observed + unseen, (2.0 * x.ColumnCount) - (2 * logLikelihood)) : null;
    }

    /// <summary>
    /// The 95 % profile-likelihood interval for N under one model (Cormack 1992, Biometrics 48:567–576): N's
    /// multinomial likelihood, maximised over the model's parameters by fitting the model to the complete 2^k table with
    /// N − observed in the unseen cell, and every N whose deviance from the maximum is within χ²₁(0.95) = 3.84.
    /// High is null when no finite N reaches the cut-off.
    /// </summary>
    internal static (double Low, double? High) ProfileInterval(CaptureHistories h, IReadOnlyList<(int A, int B)> interactions)
    {
        var x = Design(h, interactions, includeUnseen: true);
        double observed = h.Observed;
        var y = Vector<double>.Build.Dense(h.Counts.Count, i => h.Counts[i]);

        double LogLikelihood(double n)
        {
            y[0] = n - observed;
            if (FitPoisson(x, y) is not { } beta) return double.NegativeInfinity;
            var mu = (x * beta).PointwiseExp();
            var kernel = y.Select((v, i) => v > 0 ? v * Math.Log(mu[i] / n) : 0).Sum();
            return SpecialFunctions.GammaLn(n + 1) - SpecialFunctions.GammaLn(n - observed + 1) + kernel;
        }

        // N = observed exactly would put 0 in the unseen cell, a boundary some models cannot be fitted on.
        var lowest = observed + 1e-6;
        var estimate = FitModel(h, interactions)!.Value.Estimate;
        var spread = Math.Max(estimate - observed, 1);
        var peak = FindMinimum.OfScalarFunctionConstrained(n => -LogLikelihood(n), lowest, estimate + (4 * spread), 1e-6 * spread);
        var maximum = LogLikelihood(peak);
        if (!double.IsFinite(maximum)) return (observed, null);
        double Excess(double n) => (2 * (maximum - LogLikelihood(n))) - ChiSquare95;

        var low = Excess(lowest) <= 0 ? observed : Root(Excess, lowest, peak);
        var high = peak + spread;
        for (var step = spread; Excess(high) <= 0; step *= 2)
        {
            if (high > 1e9) return (low, null);
            high += step;
        }
        return (low, Root(Excess, peak, high));
    }

    /// <summary>Where <paramref name="f"/> crosses zero between the bracket's ends; if Brent's method fails, the outer end, so the interval errs wide.</summary>
    private static double Root(Func<double, double> f, double from, double to) =>
        Brent.TryFindRoot(f, from, to, 1e-7 * Math.Max(1, to), 200, out var root) ? root : f(from) > 0 ? from : to;

    /// <summary>
    /// Poisson regression with log link by iteratively reweighted least squares, which for this canonical link is
    /// Newton's method (McCullagh &amp; Nelder 1989, Generalized Linear Models, 2nd ed., §2.5): β ← (XᵀWX)⁻¹XᵀWz with
    /// W = diag(μ), z = η + (y − μ)/μ, started like R's glm from μ = y + ½. Null when it diverges: a zero count can send
    /// a parameter to −∞, and then the model has no finite estimate.
    /// </summary>
    private static Vector<double>? FitPoisson(Matrix<double> x, Vector<double> y)
    {
        var mu = y.Map(v => v + 0.5);
        var eta = mu.PointwiseLog();
        Vector<double>? beta = null;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var z = eta + (y - mu).PointwiseDivide(mu);
            var weighted = x.MapIndexed((i, _, v) => v * mu[i]);
            Vector<double> next;
            try
            {
                next = weighted.TransposeThisAndMultiply(x).Cholesky().Solve(weighted.TransposeThisAndMultiply(z));
            }
            catch (ArgumentException)
            {
                return null; // XᵀWX not positive definite: the model is not identifiable from these cells.
            }
            if (!next.All(double.IsFinite)) return null;

            var converged = beta is not null && (next - beta).AbsoluteMaximum() < 1e-9 * Math.Max(1, next.AbsoluteMaximum());
            beta = next;
            eta = x * beta;
            mu = eta.PointwiseExp();
            if (converged) return beta;
        }
        return null;
    }

    /// <summary>Design matrix: intercept, one column per list, one per interaction; a row per cell (the unseen cell, all zeros but the intercept, first when included).</summary>
    private static Matrix<double> Design(CaptureHistories h, IReadOnlyList<(int A, int B)> interactions, bool includeUnseen)
    {
        var first = includeUnseen ? 0 : 1;
        return Matrix<double>.Build.Dense(h.Counts.Count - first, 1 + h.ListCount + interactions.Count, (row, column) =>
        {
            var mask = row + first;
            return column == 0 ? 1
                : column <= h.ListCount ? (h.IsOn(mask, column - 1) ? 1 : 0)
                : (h.IsOn(mask, interactions[column - h.ListCount - 1].A) && h.IsOn(mask, interactions[column - h.ListCount - 1].B) ? 1 : 0);
        });
    }

    private static string ModelName(CaptureHistories h, IReadOnlyList<(int A, int B)> interactions) => interactions.Count switch
    {
        0 => "independence",
        _ when interactions.Count > 1 && interactions.Count == h.ListCount * (h.ListCount - 1) / 2 => "all two-way interactions",
        _ => string.Join(" + ", interactions.Select(p => PairName(h, p))),
    };

    private static string PairName(CaptureHistories h, (int A, int B) pair) => $"{h.Lists[pair.A]}:{h.Lists[pair.B]}";

    // Chao (1987), Biometrics 43:783–791, p. 788 (the interval also in Williams, Nichols & Conroy 2002, Analysis and
    // Management of Animal Populations, §14.2): the unseen f0 = N − S_obs is taken as log-normal, so with
    // C = exp(1.96·√ln(1 + var/f0²)) the 95 % interval is [S_obs + f0/C, S_obs + f0·C] and never falls below what was seen.
    private static CoverageEstimate WithLogNormalInterval(string method, long observed, double estimate, double variance, IReadOnlyList<string> notes)
    {
        var f0 = estimate - observed;
        double low = observed, high = observed;
        if (f0 > 0)
        {
            var c = Math.Exp(Z95 * Math.Sqrt(Math.Log(1 + (variance / (f0 * f0)))));
            low = observed + (f0 / c);
            high = observed + (f0 * c);
        }
        return new CoverageEstimate(method, estimate, Math.Sqrt(variance), [low, high], observed / estimate, notes);
    }

    private static CoverageEstimate Undefined(string method, string why) => new(method, null, null, null, null, [why]);
}
