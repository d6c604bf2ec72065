namespace CaseApi.Linkage;

/// <summary>The fitted model and how the fit went.</summary>
public sealed record EmFit(FellegiSunterModel Model, int Iterations, bool Converged, double LogLikelihood);

/// <summary>
/// Estimates m, u and the match proportion from unlabelled comparison vectors with the EM algorithm for a two-class
/// latent mixture under conditional independence of the features (Winkler 1988, "Using the EM algorithm for weight
/// computation in the Fellegi–Sunter model of record linkage", Proc. Survey Research Methods Section, ASA, 667–671,
/// reissued as US Census Bureau research report RR2000/05; Jaro 1989, JASA 84(406), 414–420), with several agreement
/// levels per feature and features missing at random handled as in fastLink (Enamorado, Fifield &amp; Imai 2019,
/// APSR 113(2), 353–371). Pairs are counted by distinct vector, so an iteration costs the number of
/// patterns, not pairs. The M step adds <see cref="LinkageOptions.PseudoCount"/> to every level of both classes (the
/// posterior mode under a Dirichlet prior), which keeps every weight finite.
/// </summary>
public static class ExpectationMaximisation
{
    public static EmFit Fit(IEnumerable<ComparisonVector> pairs, LinkageOptions options, FellegiSunterModel? start = null)
    {
        var patterns = pairs.GroupBy(v => v).Select(g => (Vector: g.Key, Count: (double)g.Count()))
            .OrderBy(p => p.Vector.ToString(), StringComparer.Ordinal).ToArray();
        var model = start ?? FellegiSunterModel.Initial;
        if (patterns.Length == 0) return new EmFit(model, 0, true, 0);

        var features = LinkageFeatures.All;
        var p = model.Proportion;
        var m = model.M.Select(a => (double[])a.Clone()).ToArray();
        var u = model.U.Select(a => (double[])a.Clone()).ToArray();
        var g = new double[patterns.Length];
        var logLikelihood = 0.0;
        for (var iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            // E step: the posterior probability that each pattern is a match, on the log scale to avoid underflow.
            logLikelihood = 0;
            for (var j = 0; j < patterns.Length; j++)
            {
                double logM = Math.Log(p), logU = Math.Log(1 - p);
                foreach (var f in features)
                {
                    var level = patterns[j].Vector[f];
                    if (level == LinkageFeatures.Missing) continue;
                    logM += Math.Log(m[(int)f][level]);
                    logU += Math.Log(u[(int)f][level]);
                }
                var max = Math.Max(logM, logU);
                var log = max + Math.Log(Math.Exp(logM - max) + Math.Exp(logU - max));
                g[j] = Math.Exp(logM - log);
                logLikelihood += patterns[j].Count * log;
            }

            // M step: weighted level frequencies in each class, over the pairs where the feature is present.
            var change = 0.0;
            double matches = 0, total = 0;
            for (var j = 0; j < patterns.Length; j++)
            {
                matches += patterns[j].Count * g[j];
                total += patterns[j].Count;
            }
            var newP = Math.Clamp(matches / total, 1e-9, 1 - 1e-9);
            change = Math.Max(change, Math.Abs(newP - p));
            p = newP;
            foreach (var f in features)
            {
                var levels = m[(int)f].Length;
                var mCounts = Enumerable.Repeat(options.PseudoCount, levels).ToArray();
                var uCounts = Enumerable.Repeat(options.PseudoCount, levels).ToArray();
                for (var j = 0; j < patterns.Length; j++)
                {
                    var level = patterns[j].Vector[f];
                    if (level == LinkageFeatures.Missing) continue;
                    mCounts[level] += patterns[j].Count * g[j];
                    uCounts[level] += patterns[j].Count * (1 - g[j]);
                }
                change = Math.Max(change, Normalise(mCounts, m[(int)f]));
                change = Math.Max(change, Normalise(uCounts, u[(int)f]));
            }
            if (change < options.Tolerance) return new EmFit(new FellegiSunterModel(p, m, u), iteration, true, logLikelihood);
        }
        return new EmFit(new FellegiSunterModel(p, m, u), options.MaxIterations, false, logLikelihood);
    }

    // Writes counts / sum into target and returns the largest change.
    private static double Normalise(double[] counts, double[] target)
    {
        var sum = counts.Sum();
        var change = 0.0;
        for (var i = 0; i < counts.Length; i++)
        {
            var value = sum > 0 ? counts[i] / sum : 1.0 / counts.Length;
            change = Math.Max(change, Math.Abs(value - target[i]));
            target[i] = value;
        }
        return change;
    }
}
