using CaseApi.Linkage;
using CaseApi.Tests.Linkage.Corpus;

namespace CaseApi.Tests.Linkage;

/// <summary>
/// The issue's bar on the committed corpus: thresholds tuned on seed A (1), measured on seed B (2); links made without
/// review at least 98 % precise, at least 95 % of the true links suggested. Tuning aims higher (99.5 % and 98 %) so the
/// bar holds on data the thresholds were not chosen on. The numbers are written to the test output and quoted in
/// docs/guides/linkage.md.
/// </summary>
public sealed class LinkageEvaluationTests(ITestOutputHelper output)
{
    private const double TuningPrecision = 0.995;
    private const double TuningRecall = 0.98;

    [Fact]
    public void The_default_thresholds_are_the_ones_tuned_on_seed_A()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.TuningSeed);
        var options = new LinkageOptions();

        var run = LinkageEvaluation.Run(corpus, options);
        var (accept, suggest) = LinkageEvaluation.Tune(corpus, run, options, TuningPrecision, TuningRecall);

        output.WriteLine($"seed A tuned: accept {accept}, suggest {suggest}; {LinkageEvaluation.Score(corpus, run, options)}");
        Assert.Equal(options.AcceptThreshold, accept);
        Assert.Equal(options.SuggestThreshold, suggest);
    }

    [Fact]
    public void At_the_default_thresholds_seed_B_links_are_98_percent_precise_and_95_percent_of_true_links_are_suggested()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.MeasurementSeed);
        var options = new LinkageOptions();

        var evaluation = LinkageEvaluation.Score(corpus, LinkageEvaluation.Run(corpus, options), options);

        output.WriteLine($"seed B at the defaults: {evaluation}");
        AssertMeetsTheBar(evaluation);
    }

    [Fact]
    public void Reading_every_list_s_names_in_the_automatic_order_meets_the_same_bar()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.MeasurementSeed);
        var automatic = corpus with
        {
            Lists = corpus.Lists.ToDictionary(l => l.Key, l => (IReadOnlyList<ListEntry>)[.. l.Value.Select(e => e with { NameOrder = NameOrder.Auto })]),
        };
        var options = new LinkageOptions();

        var evaluation = LinkageEvaluation.Score(automatic, LinkageEvaluation.Run(automatic, options), options);

        output.WriteLine($"seed B, names in the automatic order: {evaluation}");
        AssertMeetsTheBar(evaluation);
    }

    private static void AssertMeetsTheBar(LinkageEvaluation evaluation)
    {
        Assert.True(evaluation.Precision >= 0.98, evaluation.ToString());
        Assert.True(evaluation.Recall >= 0.95, evaluation.ToString());
    }

    [Fact]
    public void Weights_estimated_by_EM_order_every_feature_s_levels_from_agreement_to_disagreement()
    {
        var corpus = LinkageCorpus.Load(LinkageCorpus.MeasurementSeed);

        var run = Linker.Run([.. corpus.Lists.SelectMany(l => l.Value)], corpus.Cases, new LinkageOptions());

        Assert.True(run.Fit!.Converged);
        foreach (var feature in LinkageFeatures.All)
        {
            var weights = Enumerable.Range(0, LinkageFeatures.Levels(feature).Count).Select(l => run.Model.Weight(feature, l)).ToList();
            output.WriteLine($"{feature.Code()}: " + string.Join(", ", LinkageFeatures.Levels(feature).Select((l, i) =>
                FormattableString.Invariant($"{l} m={run.Model.M[(int)feature][i]:F4} u={run.Model.U[(int)feature][i]:F4} w={weights[i]:F2}"))));
            Assert.True(weights[0] > 0 && weights[^1] < 0, $"{feature.Code()}: {string.Join(", ", weights)}");
        }
    }
}
