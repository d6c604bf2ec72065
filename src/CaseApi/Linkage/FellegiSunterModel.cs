namespace CaseApi.Linkage;

/// <summary>One feature's contribution to a candidate's score.</summary>
public sealed record FeatureWeight(string Feature, string Level, double Weight, double M, double U);

/// <summary>A candidate's total weight, its posterior probability of being a match, and the features behind them.</summary>
public sealed record MatchScore(double Weight, double MatchProbability, IReadOnlyList<FeatureWeight> Features);

/// <summary>
/// The Fellegi–Sunter model (Fellegi &amp; Sunter 1969, "A Theory for Record Linkage", JASA 64(328), 1183–1210): for
/// each feature and agreement level, m = P(level | the pair is a match) and u = P(level | not a match); a pair's
/// weight is the sum over features of log2(m/u) for the level it shows, which under conditional independence of the
/// features given the match status is the log-likelihood ratio of match against non-match. A feature missing on
/// either side adds nothing, as if m = u (missing at random: Enamorado, Fifield &amp; Imai 2019, APSR 113(2), 353–371).
/// <paramref name="Proportion"/> is the share of matches among the compared pairs, used for the posterior probability.
/// </summary>
public sealed record FellegiSunterModel(double Proportion, IReadOnlyList<double[]> M, IReadOnlyList<double[]> U)
{
    /// <summary>log2(m/u) of one feature's level; 0 for a missing feature.</summary>
    public double Weight(LinkageFeature feature, int level) =>
        level == LinkageFeatures.Missing ? 0 : Math.Log2(M[(int)feature][level] / U[(int)feature][level]);

    /// <summary>The pair's total weight and its explanation, feature by feature.</summary>
    public MatchScore Score(ComparisonVector vector)
    {
        var features = new List<FeatureWeight>(LinkageFeatures.All.Count);
        var total = 0.0;
        foreach (var feature in LinkageFeatures.All)
        {
            var level = vector[feature];
            var weight = Weight(feature, level);
            total += weight;
            features.Add(level == LinkageFeatures.Missing
                ? new FeatureWeight(feature.Code(), "missing", 0, double.NaN, double.NaN)
                : new FeatureWeight(feature.Code(), LinkageFeatures.Levels(feature)[level], weight,
                    M[(int)feature][level], U[(int)feature][level]));
        }
        // Bayes' rule on the log2 scale: odds = p/(1−p) · 2^weight.
        var logOdds = Math.Log2(Proportion / (1 - Proportion)) + total;
        return new MatchScore(total, 1 / (1 + Math.Pow(2, -logOdds)), features);
    }

    /// <summary>
    /// Where EM starts, or the model when nothing is estimated: matches mostly agree, non-matches mostly do not. The
    /// values only need to put the classes on the right sides (Winkler 1988 starts from similar guesses).
    /// </summary>
    public static FellegiSunterModel Initial { get; } = new(0.1,
        [[0.6, 0.25, 0.1, 0.05], [0.35, 0.25, 0.2, 0.1, 0.1], [0.4, 0.4, 0.2], [0.9, 0.1], [0.6, 0.4]],
        [[0.005, 0.015, 0.03, 0.95], [0.01, 0.03, 0.1, 0.2, 0.66], [0.05, 0.25, 0.7], [0.2, 0.8], [0.01, 0.99]]);

    /// <summary>The model configured in <see cref="LinkageOptions.Probabilities"/>, or null unless every feature is set.</summary>
    public static FellegiSunterModel? Configured(LinkageOptions options)
    {
        if (options.Probabilities is not { } configured) return null;
        var m = new List<double[]>();
        var u = new List<double[]>();
        foreach (var feature in LinkageFeatures.All)
        {
            if (!configured.TryGetValue(feature.Code(), out var p)) return null;
            m.Add(p.M);
            u.Add(p.U);
        }
        return new FellegiSunterModel(Initial.Proportion, m, u);
    }
}
