using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

public sealed class FellegiSunterModelTests
{
    private static readonly FellegiSunterModel Model = new(0.2,
        [[0.8, 0.1, 0.05, 0.05], [0.5, 0.2, 0.2, 0.05, 0.05], [0.5, 0.25, 0.25], [0.9, 0.1], [0.5, 0.5]],
        [[0.01, 0.04, 0.05, 0.9], [0.01, 0.04, 0.15, 0.2, 0.6], [0.05, 0.2, 0.75], [0.2, 0.8], [0.001, 0.999]]);

    [Fact]
    public void The_weight_is_the_sum_of_log2_m_over_u_and_a_missing_feature_adds_nothing()
    {
        var score = Model.Score(new ComparisonVector(Name: 0, Date: 2, Title: LinkageFeatures.Missing, Place: 1, Reference: 0));

        // log2(0.8/0.01) + log2(0.2/0.15) + 0 + log2(0.1/0.8) + log2(0.5/0.001)
        var expected = Math.Log2(80) + Math.Log2(0.2 / 0.15) + Math.Log2(0.125) + Math.Log2(500);
        Assert.Equal(expected, score.Weight, 12);
        Assert.Equal(["name", "date", "title", "place", "reference"], score.Features.Select(f => f.Feature));
        Assert.Equal(["exact", "within-year", "missing", "disagree", "agree"], score.Features.Select(f => f.Level));
        Assert.Equal(0, score.Features[2].Weight);
        Assert.Equal(score.Weight, score.Features.Sum(f => f.Weight), 12);
    }

    [Fact]
    public void The_match_probability_is_Bayes_rule_on_the_proportion()
    {
        var vector = new ComparisonVector(0, 0, 0, 0, 0);

        var score = Model.Score(vector);

        double m = 0.8 * 0.5 * 0.5 * 0.9 * 0.5, u = 0.01 * 0.01 * 0.05 * 0.2 * 0.001;
        Assert.Equal(0.2 * m / ((0.2 * m) + (0.8 * u)), score.MatchProbability, 12);
    }

    [Fact]
    public void Configured_probabilities_replace_EM_only_when_every_feature_is_set()
    {
        var options = new LinkageOptions
        {
            Probabilities = LinkageFeatures.All.ToDictionary(f => f.Code(), f => new FeatureProbabilities
            {
                M = Model.M[(int)f], U = Model.U[(int)f],
            }),
        };
        var partial = new LinkageOptions { Probabilities = new() { ["name"] = options.Probabilities["name"] } };

        var run = Linker.Run([new ListEntry("r1", "Kevin Mallory", null, null, null)],
            [new CandidateCase("kevin-mallory", "Kevin Mallory", ["Kevin Patrick Mallory"], null, null, null, null, [], null, [])], options);

        Assert.Null(run.Fit);
        Assert.Equal(Model.M[0], run.Model.M[0]);
        Assert.Equal(Math.Log2(0.1 / 0.04), run.Entries.Single().Candidates.Single().Score.Weight, 12);
        Assert.Null(FellegiSunterModel.Configured(partial));
    }
}
