using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>The answer built from the models: the headline, the flags, the notes, and that nothing ever throws.</summary>
public sealed class CoverageAnalysisTests
{
    private static CaptureHistories Histories(params (string Pattern, long Count)[] cells) => RcaptureAgreementTests.Histories(cells);

    [Fact]
    public void The_issue_13_example_answers_at_least_a_number_below_the_true_1500_and_never_from_the_zero_df_model()
    {
        // Drawn from independent lists, yet 62 cases on all three lists against about 44 expected: the Mth models fit 6.1 AIC
        // points better than the best log-linear model, one of the few such populations the simulation counts under (a).
        var h = RcaptureAgreementTests.Data("EX");

        var analysis = CoverageAnalysis.Analyse(h);

        var headline = analysis.Headline!;
        Assert.Equal(CoverageHeadlines.LowerBound, headline.Method);
        Assert.InRange(headline.Low, h.Observed, 1500);
        var saturated = analysis.Models.Single(m => m.Model == "Mt + list-1:list-2 + list-1:list-3 + list-2:list-3");
        Assert.Equal(0, saturated.Df);
        Assert.Contains(saturated.Flags, f => f.Code == "zero-df" && f.Reason.Contains("cannot be checked against the data", StringComparison.Ordinal));
        Assert.Equal(0, saturated.Weight);
        Assert.Equal(1, analysis.Models.Sum(m => m.Weight), 9);
        Assert.Contains(analysis.Notes, n => n.StartsWith("Catchability differs between cases: Mth", StringComparison.Ordinal));
    }

    [Fact]
    public void HAV_where_the_heterogeneity_models_fit_17_AIC_points_better_answers_with_a_lower_bound_and_the_warning()
    {
        // Issue 33: all of the average's weight sits on models that fail their fit test (p < 0.005) while Mh fits (p ≈ 0.7).
        var analysis = CoverageAnalysis.Analyse(RcaptureAgreementTests.Data("HAV"));

        var headline = analysis.Headline!;
        Assert.Equal(CoverageHeadlines.LowerBound, headline.Method);
        Assert.Null(headline.Estimate);
        Assert.True(headline.IsLowerBound && headline.Low <= 381.5, $"at least {headline.Low}");
        Assert.Contains(analysis.Notes, n => n.StartsWith("Catchability differs between cases: Mh", StringComparison.Ordinal)
            && n.Contains("fits 17.2 AIC points better than the best log-linear model (Mt + list-1:list-2 + list-2:list-3)", StringComparison.Ordinal));
        Assert.Contains(analysis.Notes, n => n.StartsWith("100 % of the log-linear average's weight sits on models that fail", StringComparison.Ordinal));
        Assert.Contains("there are at least 38", analysis.Interpretation, StringComparison.Ordinal);
        Assert.Null(analysis.ObservedShare!.Estimate);
        Assert.NotNull(analysis.ObservedShare.Caveat);
    }

    [Fact]
    public void Four_lists_with_two_latent_classes_answer_with_the_warning_and_a_range_that_holds_the_true_2000()
    {
        // Issue 33's example: a quarter of 2,000 cases with p = 0.45 on each list, three quarters with p = 0.09.
        var scenario = CoverageSimulation.Scenarios.Single(s => s.Key == "e");
        var h = CoverageSimulation.Draw(scenario, new Random(33));

        var analysis = CoverageAnalysis.Analyse(h);

        var headline = analysis.Headline!;
        Assert.Contains(headline.Method, new[] { CoverageHeadlines.LowerBound, CoverageHeadlines.LatentClassMethod });
        Assert.True(headline.Low <= 2000 && (headline.Ci95[1] is not { } high || high >= 2000), $"{headline.Low}–{headline.Ci95[1]}");
        Assert.Contains(analysis.Notes, n => n.StartsWith("Catchability differs between cases", StringComparison.Ordinal));
        Assert.Contains(analysis.Models, m => m.Model == "Latent classes (2)" && m.Estimate is not null);
    }

    [Fact]
    public void Chao_s_lower_bound_for_three_lists_is_the_t_minus_1_over_t_form()
    {
        // Chao (1989) and Rivest & Baillargeon (2007): S + ((t−1)/t)·f1²/(2·f2); f1 = 675, f2 = 269, S = 1,006, t = 3.
        var h = RcaptureAgreementTests.Data("EX");

        var chao = CaptureRecapture.Fit(h, RcaptureAgreementTests.Model("MhC"));

        Assert.Equal(1006 + (2.0 / 3 * 675 * 675 / (2 * 269)), chao.Estimate!.Value, 3);
    }

    [Fact]
    public void The_headline_standard_error_adds_the_spread_of_the_models_to_their_own_errors()
    {
        var analysis = CoverageAnalysis.Analyse(RcaptureAgreementTests.Data("HIV"));

        var averaged = analysis.Models.Where(m => m.Weight > 0).ToList();
        var mean = averaged.Sum(m => m.Weight * m.Estimate!.Value);
        var expected = averaged.Sum(m => m.Weight * Math.Sqrt(Math.Pow(m.StandardError!.Value, 2) + Math.Pow(m.Estimate!.Value - mean, 2)));
        Assert.Equal(mean, analysis.Headline!.Estimate!.Value, 6);
        Assert.Equal(expected, analysis.Headline.StandardError!.Value, 6);
        Assert.True(analysis.Headline.StandardError > averaged.Sum(m => m.Weight * m.StandardError!.Value));
    }

    [Fact]
    public void Observed_share_and_interpretation_answer_the_question_about_the_catchable_population()
    {
        // HIV: no model allowing unequal catchability fits clearly better, so the log-linear average answers, two-sided.
        var analysis = CoverageAnalysis.Analyse(RcaptureAgreementTests.Data("HIV"));

        var share = analysis.ObservedShare!;
        Assert.Equal(CoverageHeadlines.SmoothedAicWeights, analysis.Headline!.Method);
        Assert.Equal(1896 / analysis.Headline!.Estimate!.Value, share.Estimate!.Value, 9);
        Assert.Equal(1896 / analysis.Headline.Ci95[1]!.Value, share.Ci95[0]!.Value, 9);
        Assert.Equal(1896 / analysis.Headline.Low, share.Ci95[1]!.Value, 9);
        var sentence = analysis.Interpretation;
        // The models that fit HIV range from Mt's 11,125 to Mth Gamma3.5's 30,623: the first sentence says so, the share warns.
        Assert.StartsWith("The models the data support disagree: together their intervals span ", sentence, StringComparison.Ordinal);
        Assert.Contains("The 1,896 recorded cases are between ", sentence, StringComparison.Ordinal);
        Assert.NotNull(share.Caveat);
        Assert.Contains("AIC points worse", sentence, StringComparison.Ordinal);
        Assert.Contains("catchable population", sentence, StringComparison.Ordinal);
        Assert.Contains("not of all espionage", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sensitivity_envelope_spans_every_model_s_interval()
    {
        var analysis = CoverageAnalysis.Analyse(RcaptureAgreementTests.Data("HAV"));

        var s = analysis.Sensitivity!;
        var estimated = analysis.Models.Where(m => m.Estimate is not null).ToList();
        Assert.Equal(estimated.Count, s.Models);
        Assert.Equal([estimated.Min(m => m.Estimate!.Value), estimated.Max(m => m.Estimate!.Value)], s.EstimateRange);
        Assert.Equal(estimated.Min(m => m.Ci95![0]), s.Envelope[0]);
        Assert.True(s.HeterogeneityRange![1] > s.LogLinearRange![1]);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 17)]
    [InlineData(4, 73)]
    [InlineData(5, 1033)]
    public void The_model_space_is_M0_every_set_of_two_way_interactions_and_eight_heterogeneity_models(int lists, int models)
    {
        Assert.Equal(models, CaptureModel.All(lists).Count + (lists == 2 ? 1 : 0));
    }

    [Fact]
    public void Two_lists_headline_Chapman_and_say_nothing_can_be_checked()
    {
        var analysis = CoverageAnalysis.Analyse(Histories(("10", 5), ("01", 10), ("11", 5)));

        Assert.Equal(CoverageHeadlines.Chapman, analysis.Headline!.Method);
        Assert.Equal(28.333333, analysis.Headline.Estimate!.Value, 5);
        Assert.Contains(analysis.Models.Single(m => m.Model == "Chapman").Flags, f => f.Code == "zero-df");
        Assert.Contains(analysis.Notes, n => n.Contains("nothing can be checked", StringComparison.Ordinal));
    }

    [Fact]
    public void More_than_five_lists_are_refused_by_the_validator_with_the_reason()
    {
        Assert.Equal(5, CoverageQueryValidator.MaxLists);
    }

    /// <summary>
    /// Property-style: 400 seeded tables of 2–4 lists (five only multiply the models) that are tiny, empty, all on one list, without overlaps or with
    /// random zeros. Every one is analysed without an exception; a headline is finite and inside its interval, which is
    /// never below the observed count; without a headline the notes say why.
    /// </summary>
    [Fact]
    public void Tiny_empty_one_list_and_non_overlapping_data_never_throw_and_always_say_why()
    {
        var random = new Random(13);
        for (var trial = 0; trial < 400; trial++)
        {
            var lists = 2 + (trial % 3);
            var counts = new long[1 << lists];
            var shape = trial % 5;
            for (var mask = 1; mask < counts.Length; mask++)
            {
                var single = System.Numerics.BitOperations.PopCount((uint)mask) == 1;
                counts[mask] = shape switch
                {
                    0 => random.Next(0, 3),                              // tiny
                    1 => 0,                                              // empty
                    2 => mask == 1 ? random.Next(1, 50) : 0,            // all on one list
                    3 => single ? random.Next(0, 40) : 0,               // no overlap
                    _ => random.Next(0, 4) == 0 ? 0 : random.Next(1, 30), // random zeros
                };
            }
            var h = new CaptureHistories([.. Enumerable.Range(0, lists).Select(i => $"l{i}")], counts);

            var analysis = CoverageAnalysis.Analyse(h);

            if (analysis.Headline is { Estimate: { } estimate } headline)
            {
                Assert.True(double.IsFinite(estimate) && double.IsFinite(headline.StandardError!.Value), $"trial {trial}");
                Assert.InRange(estimate, headline.Low, headline.Ci95[1]!.Value);
                Assert.True(headline.Low >= h.Observed, $"trial {trial}");
            }
            else if (analysis.Headline is { } bound)
            {
                Assert.True(bound.IsLowerBound && bound.Low >= h.Observed, $"trial {trial}");
            }
            else
            {
                Assert.NotEmpty(analysis.Notes);
            }
            Assert.All(analysis.Models.Where(m => m.Estimate is null), m => Assert.NotEmpty(m.Flags));
        }
    }
}
