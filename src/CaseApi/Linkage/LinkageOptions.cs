using System.ComponentModel.DataAnnotations;

namespace CaseApi.Linkage;

/// <summary>
/// Settings of the matcher (configuration section "Linkage"). Weights are in bits (log2 of m/u, Fellegi &amp; Sunter
/// 1969). The default thresholds were tuned on the seed-A test corpus and measured on seed B
/// (docs/guides/linkage.md); they hold for weights estimated by <see cref="ExpectationMaximisation"/>.
/// </summary>
public sealed class LinkageOptions : IValidatableObject
{
    public const string Section = "Linkage";

    /// <summary>The Monge–Elkan Jaro–Winkler similarity from which two names agree at the fuzzy level.</summary>
    [Range(0.5, 1.0)]
    public double FuzzyNameThreshold { get; set; } = 0.9;

    /// <summary>The Dice coefficient of headline and title words from which the title feature is "high".</summary>
    [Range(0.0, 1.0)]
    public double TitleHigh { get; set; } = 0.5;

    /// <summary>The Dice coefficient from which the title feature is "some".</summary>
    [Range(0.0, 1.0)]
    public double TitleSome { get; set; } = 0.2;

    /// <summary>The total weight from which an entry's best candidate is linked without review.</summary>
    public double AcceptThreshold { get; set; } = 4;

    /// <summary>The total weight from which a candidate is suggested for review.</summary>
    public double SuggestThreshold { get; set; } = 3.5;

    /// <summary>
    /// How far the best candidate must lead the second to be linked without review: two cases that fit an entry
    /// almost equally well are a reviewer's decision.
    /// </summary>
    [Range(0.0, 100.0)]
    public double AcceptMargin { get; set; } = 3;

    /// <summary>EM stops after this many iterations if the parameters have not settled.</summary>
    [Range(1, 100_000)]
    public int MaxIterations { get; set; } = 1000;

    /// <summary>EM stops when no probability moves by more than this in an iteration.</summary>
    [Range(0.0, 0.1)]
    public double Tolerance { get; set; } = 1e-9;

    /// <summary>
    /// Pseudo-counts added to every level of both classes in the M step (a Dirichlet prior, so the estimate is the
    /// posterior mode): a level never seen among non-matches would otherwise get u = 0 and an infinite weight.
    /// </summary>
    [Range(0.0, 100.0)]
    public double PseudoCount { get; set; } = 1;

    /// <summary>
    /// m and u per feature code ("name", "date" …), one value per level in <see cref="LinkageFeatures.Levels"/> order.
    /// When set for every feature, weights come from here and EM is not run.
    /// </summary>
    public Dictionary<string, FeatureProbabilities>? Probabilities { get; set; }

    /// <summary>Configured probabilities name known features, give one value in (0, 1) per level, and sum to 1.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SuggestThreshold > AcceptThreshold)
        {
            yield return new ValidationResult("SuggestThreshold must not exceed AcceptThreshold.", [nameof(SuggestThreshold)]);
        }
        foreach (var (code, p) in Probabilities ?? [])
        {
            var feature = LinkageFeatures.All.Where(f => f.Code() == code).Select(f => (LinkageFeature?)f).FirstOrDefault();
            if (feature is not { } f)
            {
                yield return new ValidationResult($"Probabilities: unknown feature '{code}'.", [nameof(Probabilities)]);
                continue;
            }
            var levels = LinkageFeatures.Levels(f).Count;
            foreach (var (name, values) in new[] { ("M", p.M), ("U", p.U) })
            {
                if (values.Length != levels || values.Any(v => v is <= 0 or >= 1) || Math.Abs(values.Sum() - 1) > 1e-6)
                {
                    yield return new ValidationResult(
                        $"Probabilities:{code}:{name} needs {levels} values in (0, 1) that sum to 1.", [nameof(Probabilities)]);
                }
            }
        }
    }
}

/// <summary>Configured m (match) and u (non-match) probabilities of one feature's levels.</summary>
public sealed class FeatureProbabilities
{
    public double[] M { get; set; } = [];

    public double[] U { get; set; } = [];
}
