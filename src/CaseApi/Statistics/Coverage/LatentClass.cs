using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// How hard the EM of one latent-class model may work: seeded random starts, EM iterations per fit, and a work budget
/// for the whole model (fit and profile interval), counted in evaluations of the mixture over the table (each EM step
/// and each BFGS evaluation is one). A fit stopped by a limit is flagged <c>not-converged</c>. The budget is counted,
/// not timed, so that the same data always give the same answer, however loaded the machine: a wall-clock budget once
/// stopped fits early under load, and that answer was cached for the store version. At most five lists (32 cells), an
/// evaluation costs microseconds, so the default bounds a pathological model to seconds of processor time.
/// </summary>
public sealed record LatentClassLimits(int Starts, int MaxIterations, long MaxEvaluations, int Seed)
{
    public static LatentClassLimits Default { get; } = new(Starts: 20, MaxIterations: 600, MaxEvaluations: 2_000_000, Seed: 2016);
}

/// <summary>
/// Latent-class (finite-mixture) models of capture histories: every case belongs to one of C unobserved classes, and
/// within a class the lists catch cases independently, each list with its own probability in each class (Agresti 1994,
/// Biometrics 50:494–500; Coull &amp; Agresti 1999, Biometrics 55:294–301; the model class of LCMCR, Manrique-Vallier 2016,
/// Biometrics 72:1246–1254, fitted here by maximum likelihood instead of a Dirichlet-process posterior). Cases that
/// are easy to find for every list form one class and the rest another, which is heterogeneous catchability as the
/// log-linear models cannot express it. One class is Mt. Fitted by EM (Dempster, Laird &amp; Rubin 1977) on the full
/// 2^k table, with the unseen cell as missing data: its expectation N̂·P(0) is filled in at every E-step, so the
/// fixed point is the conditional maximum-likelihood estimate N̂ = n / (1 − P(0)) (Sanathanan 1972). Pure functions.
/// </summary>
public static class LatentClass
{
    public const string Family = "latent-class";

    /// <summary>
    /// Two classes of k lists have 2(k + 1) parameters: with three lists that is one more than the seven observed cells,
    /// so latent classes start at four lists.
    /// </summary>
    public const int MinLists = 4;

    private static readonly double ChiSquare95 = ChiSquared.InvCDF(1, 0.95);

    /// <summary>A probability this close to 0 or 1, or a class this small, sits on the boundary of the parameter space.</summary>
    private const double Edge = 1e-6;

    /// <summary>
    /// Two and three classes for four lists or more; nothing for fewer. Three classes of four lists would have 15 parameters
    /// for 15 observed cells, a model that fits anything and identifies nothing, so it is listed as such and not fitted.
    /// </summary>
    public static IReadOnlyList<CoverageModelFit> FitAll(CaptureHistories h) => h.ListCount switch
    {
        < MinLists => [],
        MinLists => [Fit(h, 2), new(Name(3), Family, [], 3 * (MinLists + 1), null, null, null, null, 0, null, null, null, 0,
            [new("not-identifiable", "Three classes of four lists have as many parameters as there are observed patterns (15): they fit any " +
                "data and cannot be estimated. Name a fifth list.")])],
        _ => [Fit(h, 2), Fit(h, 3)],
    };

    public static string Name(int classes) => $"Latent classes ({classes})";

    /// <summary>
    /// One latent-class model: the best of several seeded EM starts, its deviance, df, AIC and BIC as for the log-linear
    /// models (Poisson likelihood of the observed cells, μ = N̂·P(pattern)), Huggins's (1989) standard error, and the
    /// profile-likelihood interval, whose upper end is null when the likelihood does not fall off above the estimate.
    /// </summary>
    public static CoverageModelFit Fit(CaptureHistories h, int classes, LatentClassLimits? limits = null)
    {
        limits ??= LatentClassLimits.Default;
        var name = Name(classes);
        var k = h.ListCount;
        var parameters = classes * (k + 1);
        CoverageModelFit Unfitted(string reason) =>
            new(name, Family, [], parameters, null, null, null, null, null, null, null, null, 0, [new ModelFlag("not-identifiable", reason)]);

        if (h.Observed == 0) return Unfitted("No case is on any of the lists.");
        if (Enumerable.Range(0, k).Any(list => h.OnList(list) == 0))
        {
            return Unfitted("A list without cases leaves its catch probabilities undetermined.");
        }

        var table = new Table(h, limits);
        var random = new Random(limits.Seed + classes);
        Fitted? best = null;
        for (var start = 0; start < limits.Starts && (start == 0 || !table.OutOfWork); start++)
        {
            var fitted = table.Em(start == 0 ? Mixture.Spread(h, classes) : Mixture.Random(random, classes, k), unseen: null);
            if (best is null || fitted.LogLikelihood > best.LogLikelihood + 1e-9) best = fitted;
        }

        var mixture = best!.Mixture;
        var probabilities = table.Probabilities(mixture);
        double observed = h.Observed;
        var estimate = observed / (1 - probabilities[0]);
        if (!double.IsFinite(estimate) || estimate > 1e6 * observed)
        {
            // The likelihood rises without end as a class that no list finds grows: the data bound N from below only.
            var low = table.LowerBoundWhenUnbounded(mixture);
            return new(name, Family, [], parameters, null, null, [low, null], null, null, null, null, null, 0,
            [
                new("not-identifiable", "The likelihood keeps rising as a class that the lists hardly ever catch grows: the data say how " +
                    "many cases there are at least, not at most."),
                new("unbounded-interval", "The likelihood does not fall off above the estimate: the data bound the size from below only."),
            ]);
        }

        var deviance = 0.0;
        var logLikelihood = 0.0;
        var mu = new double[probabilities.Length - 1];
        for (var mask = 1; mask < probabilities.Length; mask++)
        {
            double y = h.Counts[mask];
            var m = mu[mask - 1] = estimate * probabilities[mask];
            deviance += 2 * ((y > 0 ? y * Math.Log(y / m) : 0) - (y - m));
            logLikelihood += (y > 0 ? y * Math.Log(m) : 0) - m - PoissonRegression.LogFactorial(y);
        }
        var df = mu.Length - parameters;
        var aic = (2.0 * parameters) - (2 * logLikelihood);
        var bic = aic + ((Math.Log(observed) - 2) * parameters);
        double? pValue = df > 0 ? 1 - ChiSquared.CDF(df, Math.Max(deviance, 0)) : null;
        var standardError = table.HugginsStandardError(mixture, estimate);
        var (lowEnd, highEnd) = table.ProfileInterval(mixture, estimate);

        List<ModelFlag> flags = [];
        if (df <= 0)
        {
            flags.Add(new("zero-df", "No degrees of freedom are left: the model fits any data exactly and cannot be checked against the data."));
        }
        if (!best.Converged || table.OutOfWork)
        {
            flags.Add(new("not-converged", table.OutOfWork
                ? "The EM stopped at its work limit: the estimate and interval are unreliable."
                : "The EM did not converge within its iteration limit: the estimate is unreliable."));
        }
        if (mixture.OnBoundary)
        {
            flags.Add(new("boundary", "A class is empty or a list catches all or none of a class: a parameter sits at the edge of its range, " +
                "so its standard error and interval are unreliable."));
        }
        if (mu.Count(m => m < 5) > 0.2 * mu.Length)
        {
            flags.Add(new("sparse-cells", "More than a fifth of the cells expect fewer than 5 cases: the deviance, p-value and AIC are rough " +
                "guides only."));
        }
        if (pValue < 0.05) flags.Add(new("poor-fit", $"The model does not fit the observed patterns (p = {pValue:0.###})."));
        if (highEnd is null)
        {
            flags.Add(new("unbounded-interval", "The likelihood does not fall off above the estimate: the data bound the size from below only."));
        }

        return new CoverageModelFit(name, Family, [], parameters, estimate, standardError, [lowEnd, highEnd], deviance, df, pValue, aic, bic, 0,
            flags);
    }

    /// <summary>
    /// The class weights π_c, then each class's catch probability on each list p_cj (class by class), in one vector:
    /// what EM updates and SQUAREM extrapolates.
    /// </summary>
    private readonly record struct Mixture(double[] V, int Classes, int Lists)
    {
        public double Weight(int c) => V[c];

        public double P(int c, int list) => V[Classes + (c * Lists) + list];

        public bool OnBoundary => V.Take(Classes).Any(w => w < Edge) || V.Skip(Classes).Any(p => p < Edge || p > 1 - Edge);

        /// <summary>The mixture with probabilities within 10⁻³ of 0 or 1 set there; null when none is.</summary>
        public Mixture? Snapped()
        {
            var v = (double[])V.Clone();
            var changed = false;
            for (var i = 0; i < v.Length; i++)
            {
                var edge = v[i] < 1e-3 ? 0 : i >= Classes && v[i] > 1 - 1e-3 ? 1 : v[i];
                changed |= edge != v[i];
                v[i] = edge;
            }
            return changed ? Valid(v, Classes, Lists) : null;
        }

        /// <summary>The mixture at an extrapolated point, weights renormalised; null when it leaves the parameter space.</summary>
        public static Mixture? Valid(double[] v, int classes, int lists)
        {
            if (v.Any(x => !(x is >= 0 and <= 1))) return null;
            var total = v.Take(classes).Sum();
            if (total <= 0) return null;
            for (var c = 0; c < classes; c++) v[c] /= total;
            return new(v, classes, lists);
        }

        /// <summary>A deterministic start: equal classes whose catch spreads from a quarter to the whole of the lists' share.</summary>
        public static Mixture Spread(CaptureHistories h, int classes)
        {
            var k = h.ListCount;
            var v = new double[classes * (k + 1)];
            for (var c = 0; c < classes; c++)
            {
                v[c] = 1.0 / classes;
                var scale = classes == 1 ? 0.5 : 0.25 * Math.Pow(4, c / (classes - 1.0));
                for (var list = 0; list < k; list++) v[classes + (c * k) + list] = Math.Clamp(scale * h.OnList(list) / h.Observed, 0.02, 0.95);
            }
            return new(v, classes, k);
        }

        public static Mixture Random(Random random, int classes, int k)
        {
            var v = new double[classes * (k + 1)];
            for (var c = 0; c < classes; c++) v[c] = 0.2 + (0.8 * random.NextDouble());
            for (var i = classes; i < v.Length; i++) v[i] = 0.03 + (0.9 * random.NextDouble());
            return Valid(v, classes, k)!.Value;
        }
    }

    private sealed record Fitted(Mixture Mixture, double LogLikelihood, bool Converged);

    /// <summary>The capture histories as the EM reads them, with the limits and the clock of one model's fit.</summary>
    private sealed class Table
    {
        private readonly int k;
        private readonly double[] counts;
        private readonly double observed;
        private readonly bool[] on;
        private readonly LatentClassLimits limits;
        private long evaluations;

        public Table(CaptureHistories h, LatentClassLimits limits)
        {
            (k, observed, this.limits) = (h.ListCount, h.Observed, limits);
            counts = [.. h.Counts.Select(c => (double)c)];
            on = new bool[counts.Length * k];
            for (var mask = 0; mask < counts.Length; mask++)
            {
                for (var list = 0; list < k; list++) on[(mask * k) + list] = h.IsOn(mask, list);
            }
        }

        public bool OutOfWork => evaluations > limits.MaxEvaluations;

        /// <summary>Seeded random starts added at every point of a profile.</summary>
        private const int ProfileStarts = 3;

        /// <summary>Multiples of the estimate at which a profile is checked again beyond its first upper crossing.</summary>
        private static readonly double[] Far = [3, 10, 100];

        /// <summary>P(pattern | class) = Π_j p_cj^x_j (1 − p_cj)^(1 − x_j), for every class and pattern, the unseen one (0) included.</summary>
        private double[] Within(Mixture m)
        {
            evaluations++;
            var within = new double[m.Classes * counts.Length];
            for (var c = 0; c < m.Classes; c++)
            {
                for (var mask = 0; mask < counts.Length; mask++)
                {
                    var product = 1.0;
                    for (var list = 0; list < k; list++) product *= on[(mask * k) + list] ? m.P(c, list) : 1 - m.P(c, list);
                    within[(c * counts.Length) + mask] = product;
                }
            }
            return within;
        }

        /// <summary>P(pattern) = Σ_c π_c P(pattern | class).</summary>
        public double[] Probabilities(Mixture m) => Probabilities(m, Within(m));

        private double[] Probabilities(Mixture m, double[] within)
        {
            var result = new double[counts.Length];
            for (var c = 0; c < m.Classes; c++)
            {
                for (var mask = 0; mask < counts.Length; mask++) result[mask] += m.Weight(c) * within[(c * counts.Length) + mask];
            }
            return result;
        }

        /// <summary>
        /// EM from <paramref name="start"/>, accelerated by SQUAREM (Varadhan &amp; Roland 2008, Scand. J. Stat. 35:335–353):
        /// with most cases unseen, plain EM creeps. With <paramref name="unseen"/> null the unseen cell is filled with
        /// n·P(0)/(1 − P(0)) at each E-step and the objective is the conditional log-likelihood Σ y log(P/(1 − P(0))); with a
        /// number, the unseen cell holds it and the objective is the complete table's Σ y log P (the profile at N = n + unseen).
        /// </summary>
        public Fitted Em(Mixture start, double? unseen) => Squarem(start, unseen) is var em && OutOfWork ? em : Polish(em, unseen);

        private Fitted Squarem(Mixture start, double? unseen)
        {
            var x = start;
            var value = Objective(Probabilities(x), unseen);
            for (var steps = 0; steps < limits.MaxIterations; steps += 3)
            {
                if (OutOfWork) return new(x, value, false);
                var x1 = Step(x, unseen);
                var x2 = Step(x1, unseen);
                var r = new double[x.V.Length];
                var v = new double[x.V.Length];
                for (var i = 0; i < r.Length; i++) (r[i], v[i]) = (x1.V[i] - x.V[i], x2.V[i] - (2 * x1.V[i]) + x.V[i]);
                var (rr, vv) = (r.Sum(t => t * t), v.Sum(t => t * t));
                var next = x2;
                if (vv > 0)
                {
                    // SqS3's step length; −1 is plain EM twice over.
                    var alpha = Math.Min(-Math.Sqrt(rr / vv), -1);
                    var jump = new double[r.Length];
                    for (var i = 0; i < r.Length; i++) jump[i] = x.V[i] - (2 * alpha * r[i]) + (alpha * alpha * v[i]);
                    if (Mixture.Valid(jump, x.Classes, k) is { } extrapolated) next = Step(extrapolated, unseen);
                }
                var nextValue = Objective(Probabilities(next), unseen);
                if (!(nextValue >= value))
                {
                    next = x2;
                    nextValue = Objective(Probabilities(next), unseen);
                }
                // EM creeps toward the edge of the parameter space; from the edge itself (absorbing: a zero stays zero) it
                // settles at once. Every 50 rounds a point near the edge is tried on it, and kept if it is no worse.
                if (steps % 150 == 147 && next.Snapped() is { } snapped && Objective(Probabilities(snapped), unseen) is var edge
                    && edge >= nextValue - 1e-9)
                {
                    (next, nextValue) = (snapped, edge);
                }
                (x, var previous, value) = (next, value, nextValue);
                // As poLCA stops: on the log-likelihood. Along a ridge toward the boundary the parameters still creep while the
                // likelihood no longer moves; the estimate then moves by less than the rounding of any answer.
                if (value - previous < 1e-9 * (1 + Math.Abs(value))) return new(x, value, true);
            }
            return new(x, value, false);
        }

        /// <summary>
        /// BFGS on the logits of π and p (MathNet's BfgsMinimizer) from the EM's point, with the analytic gradient: EM creeps
        /// toward a class on the edge of the parameter space (a small class that one list always finds), where quasi-Newton
        /// steps get in a few dozen iterations. The better of the two points is kept.
        /// </summary>
        private Fitted Polish(Fitted em, double? unseen)
        {
            var classes = em.Mixture.Classes;
            var start = Vector<double>.Build.Dense(classes - 1 + (classes * k));
            for (var c = 1; c < classes; c++) start[c - 1] = Math.Log(Math.Max(em.Mixture.Weight(c), 1e-12) / Math.Max(em.Mixture.Weight(0), 1e-12));
            for (var i = 0; i < classes * k; i++) start[classes - 1 + i] = Logit(em.Mixture.V[classes + i]);

            Mixture At(Vector<double> t)
            {
                var v = new double[classes * (k + 1)];
                var total = 1.0;
                v[0] = 1;
                for (var c = 1; c < classes; c++) total += v[c] = Math.Exp(Math.Clamp(t[c - 1], -40, 40));
                for (var c = 0; c < classes; c++) v[c] /= total;
                for (var i = 0; i < classes * k; i++) v[classes + i] = 1 / (1 + Math.Exp(-Math.Clamp(t[classes - 1 + i], -40, 40)));
                return new(v, classes, k);
            }
            (double Value, Vector<double> Gradient) Evaluate(Vector<double> t)
            {
                var m = At(t);
                var within = Within(m);
                var probabilities = Probabilities(m, within);
                var cells = counts.Length;
                var gradient = Vector<double>.Build.Dense(t.Count);
                for (var mask = 0; mask < cells; mask++)
                {
                    // d objective / d P(pattern): y/P for a seen pattern; for the unseen one n/(1 − P0) (conditional) or u/P0 (profile).
                    var weight = mask > 0 ? counts[mask] / probabilities[mask]
                        : unseen is { } u ? u / probabilities[0] : observed / (1 - probabilities[0]);
                    if (weight == 0 || !double.IsFinite(weight)) continue;
                    for (var c = 0; c < classes; c++)
                    {
                        var f = m.Weight(c) * within[(c * cells) + mask];
                        if (c > 0) gradient[c - 1] += weight * (f - (m.Weight(c) * probabilities[mask]));
                        for (var list = 0; list < k; list++)
                        {
                            gradient[classes - 1 + (c * k) + list] += weight * f * ((on[(mask * k) + list] ? 1 : 0) - m.P(c, list));
                        }
                    }
                }
                return (-Objective(probabilities, unseen), -gradient);
            }

            try
            {
                var result = new BfgsMinimizer(1e-7, 1e-10, 1e-12, 500)
                    .FindMinimum(ObjectiveFunction.Gradient(t => Evaluate(t).Value, t => Evaluate(t).Gradient), start);
                var value = -result.FunctionInfoAtMinimum.Value;
                return double.IsFinite(value) && value > em.LogLikelihood ? new(At(result.MinimizingPoint), value, true) : em;
            }
            catch (Exception e) when (e is MaximumIterationsException or InnerOptimizationException or EvaluationException
                or OptimizationException or ArgumentException)
            {
                // A line search that cannot progress leaves the EM's point, which is the maximum as far as it goes.
                return em;
            }
        }

        private static double Logit(double p) => Math.Log(Math.Clamp(p, 1e-12, 1 - 1e-12) / (1 - Math.Clamp(p, 1e-12, 1 - 1e-12)));

        private double Objective(double[] probabilities, double? unseen)
        {
            var sum = 0.0;
            var scale = unseen is null ? Math.Log(1 - probabilities[0]) : 0;
            for (var mask = 1; mask < counts.Length; mask++) sum += counts[mask] > 0 ? counts[mask] * (Math.Log(probabilities[mask]) - scale) : 0;
            if (unseen is > 0 and var u) sum += u * Math.Log(probabilities[0]);
            return sum;
        }

        /// <summary>One E- and M-step: each cell's cases shared among the classes by their posterior, then π and p re-estimated.</summary>
        private Mixture Step(Mixture m, double? unseen)
        {
            var within = Within(m);
            var probabilities = Probabilities(m, within);
            var cells = counts.Length;
            var next = new double[m.V.Length];
            for (var mask = 0; mask < cells; mask++)
            {
                var y = mask == 0 ? unseen ?? (observed * probabilities[0] / (1 - probabilities[0])) : counts[mask];
                if (y <= 0 || probabilities[mask] <= 0) continue;
                for (var c = 0; c < m.Classes; c++)
                {
                    var share = y * m.Weight(c) * within[(c * cells) + mask] / probabilities[mask];
                    next[c] += share;
                    for (var list = 0; list < k; list++) next[m.Classes + (c * k) + list] += on[(mask * k) + list] ? share : 0;
                }
            }
            var total = 0.0;
            for (var c = 0; c < m.Classes; c++)
            {
                total += next[c];
                for (var list = 0; list < k; list++)
                {
                    var slot = m.Classes + (c * k) + list;
                    next[slot] = next[c] > 0 ? next[slot] / next[c] : m.V[slot];
                }
            }
            for (var c = 0; c < m.Classes; c++) next[c] /= total;
            return new(next, m.Classes, k);
        }

        /// <summary>
        /// N ↦ the multinomial log-likelihood of N maximised over the mixture (Cormack 1992), started from the previous N's
        /// mixture, from the estimate's and from <see cref="ProfileStarts"/> seeded random points, the best kept: a mixture
        /// likelihood has local maxima, and a profile that settles in a lower one ends the interval too soon.
        /// </summary>
        private Func<double, double> Profile(Mixture from)
        {
            var warm = from;
            var random = new Random(limits.Seed);
            return n =>
            {
                var fitted = Em(warm, n - observed);
                foreach (var start in Enumerable.Range(0, ProfileStarts).Select(_ => Mixture.Random(random, from.Classes, k)).Prepend(from))
                {
                    if (Em(start, n - observed) is var other && other.LogLikelihood > fitted.LogLikelihood) fitted = other;
                }
                warm = fitted.Mixture;
                return PoissonRegression.LogFactorial(n) - PoissonRegression.LogFactorial(n - observed) + fitted.LogLikelihood;
            };
        }

        /// <summary>
        /// The 95 % profile-likelihood interval (Cormack 1992, Biometrics 48:567–576): the peak found near the estimate,
        /// then the unseen count stepped down and up geometrically from it until the deviance passes χ²₁(0.95); null
        /// above when no N up to a thousand times the estimate gets there.
        /// </summary>
        public (double Low, double? High) ProfileInterval(Mixture mixture, double estimate)
        {
            var unseen = Math.Max(estimate - observed, 1e-6);
            var profile = Profile(mixture);
            var peak = CaptureRecapture.Maximise(profile, observed + (0.5 * unseen), observed + (1.1 * unseen) + 1, 0.005 * (unseen + 1));
            var maximum = profile(peak);
            double Excess(double n) => (2 * (maximum - profile(n))) - ChiSquare95;

            // The unseen count shrinks by 0.7 or grows by 1.5 a step, so each bound is the crossing nearest the peak.
            var lowest = observed + (1e-6 * unseen);
            double Down(double n) => Math.Max(observed + ((n - observed) * 0.7), lowest);
            double Up(double n) => observed + ((n - observed) * 1.5) + 1;
            var below = peak;
            while (below > lowest && Excess(Down(below)) <= 0) below = Down(below);
            var low = below <= lowest ? observed : CaptureRecapture.Root(Excess, Down(below), below);

            profile = Profile(mixture);
            var above = peak;
            while (Excess(Up(above)) <= 0)
            {
                above = Up(above);
                if (above > 1000 * estimate || OutOfWork) return (low, null);
            }
            var high = CaptureRecapture.Root(Excess, above, Up(above));
            // A mixture's profile can fall and rise again, as a class that the lists hardly ever catch grows: then the N the
            // data allow do not end above, whatever the first crossing says.
            return Far.Any(f => f * estimate > high && Excess(f * estimate) <= 0) ? (low, null) : (low, high);
        }

        /// <summary>When the estimate runs off to infinity: the smallest N whose profile is within χ²₁(0.95)/2 of its far end.</summary>
        public double LowerBoundWhenUnbounded(Mixture mixture)
        {
            var profile = Profile(mixture);
            var far = observed * 1e4;
            var maximum = profile(far);
            double Excess(double x) => (2 * (maximum - profile(x))) - ChiSquare95;
            double Half(double x) => observed + ((x - observed) * 0.5);
            var above = far;
            while (above > observed * 1.001 && Excess(Half(above)) <= 0 && !OutOfWork) above = Half(above);
            return above <= observed * 1.001 ? observed : CaptureRecapture.Root(Excess, Half(above), above);
        }

        /// <summary>
        /// Huggins (1989, Biometrika 76:133–140): Var N̂ = n·P(0)/(1 − P(0))² + gᵀI⁻¹g, with I the observed information of the
        /// conditional likelihood in the logits of π and p (by central differences) and g the gradient of N̂ = n/(1 − P(0)).
        /// Parameters on the boundary are held fixed; null when the information is singular.
        /// </summary>
        public double? HugginsStandardError(Mixture mixture, double estimate)
        {
            // Free parameters: log(π_c/π_0) for c ≥ 1 and logit p_cj, leaving out those on the boundary.
            var slots = Enumerable.Range(1, mixture.Classes - 1).Where(c => mixture.Weight(c) >= Edge && mixture.Weight(0) >= Edge)
                .Concat(Enumerable.Range(mixture.Classes, mixture.V.Length - mixture.Classes)
                    .Where(i => mixture.V[i] is >= Edge and <= 1 - Edge && mixture.Weight((i - mixture.Classes) / k) >= Edge))
                .ToArray();
            var m = mixture;
            var x = slots.Select(i => i < m.Classes ? Math.Log(m.Weight(i) / m.Weight(0)) : Math.Log(m.V[i] / (1 - m.V[i]))).ToArray();

            Mixture At(double[] t)
            {
                var v = (double[])mixture.V.Clone();
                for (var i = 0; i < t.Length; i++) v[slots[i]] = slots[i] < m.Classes ? m.Weight(0) * Math.Exp(t[i]) : 1 / (1 + Math.Exp(-t[i]));
                return Mixture.Valid(v, mixture.Classes, k) ?? mixture;
            }
            double LogLikelihood(double[] t) => Objective(Probabilities(At(t)), null);
            double Estimate(double[] t) => observed / (1 - Probabilities(At(t))[0]);
            double Shifted(Func<double[], double> f, int a, double da, int b, double db)
            {
                var t = (double[])x.Clone();
                t[a] += da;
                t[b] += db;
                return f(t);
            }

            const double step = 1e-4;
            var d = x.Length;
            var information = Matrix<double>.Build.Dense(d, d);
            var gradient = Vector<double>.Build.Dense(d);
            var centre = LogLikelihood(x);
            for (var a = 0; a < d; a++)
            {
                gradient[a] = (Shifted(Estimate, a, step, a, 0) - Shifted(Estimate, a, -step, a, 0)) / (2 * step);
                information[a, a] = -(Shifted(LogLikelihood, a, step, a, 0) - (2 * centre) + Shifted(LogLikelihood, a, -step, a, 0)) / (step * step);
                for (var b = 0; b < a; b++)
                {
                    information[a, b] = information[b, a] = -(Shifted(LogLikelihood, a, step, b, step) - Shifted(LogLikelihood, a, step, b, -step)
                        - Shifted(LogLikelihood, a, -step, b, step) + Shifted(LogLikelihood, a, -step, b, -step)) / (4 * step * step);
                }
            }

            var unseenShare = 1 - (observed / estimate);
            var variance = observed * unseenShare / Math.Pow(1 - unseenShare, 2);
            if (d > 0)
            {
                var eigen = information.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToList();
                if (eigen.Min() <= 1e-8 * Math.Max(eigen.Max(), 1)) return null;
                variance += gradient * information.Inverse() * gradient;
            }
            return variance >= 0 && double.IsFinite(variance) ? Math.Sqrt(variance) : null;
        }
    }
}
