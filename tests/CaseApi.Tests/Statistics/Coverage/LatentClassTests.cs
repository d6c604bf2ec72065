using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>The latent-class models: the one-class case is Mt exactly, the fit is seeded and bounded, and it says what it cannot tell.</summary>
public sealed class LatentClassTests
{
    private static void Within(double expected, double? actual, string what, double relative = 0.005) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) <= relative * Math.Abs(expected), $"{what}: expected {expected} ± {relative:P1}, got {actual}");

    [Fact]
    public void One_class_is_Mt_and_matches_Rcapture_s_estimate_standard_error_fit_and_profile_interval()
    {
        // Rcapture 1.4-4 on its HIV data (RcaptureAgreementTests): Mt 11,124.5785 (SE 904.7520), deviance 13.0261 on 10 df,
        // AIC 90.0620, BIC 117.7995, profile interval 9,531.736–13,114.123. One class is independence; Huggins's variance is
        // then Rcapture's delta-method variance.
        var fit = LatentClass.Fit(RcaptureAgreementTests.Data("HIV"), 1);

        Within(11124.5785, fit.Estimate, "estimate", 1e-5);
        Within(904.7520, fit.StandardError, "standard error", 1e-4);
        Within(13.0261, fit.Deviance, "deviance", 1e-4);
        Assert.Equal(10, fit.Df);
        Within(90.0620, fit.Aic, "AIC", 1e-5);
        Within(117.7995, fit.Bic, "BIC", 1e-5);
        Within(9531.736, fit.Ci95![0], "lower bound", 1e-4);
        Within(13114.123, fit.Ci95[1], "upper bound", 1e-4);
    }

    [Fact]
    public void Two_classes_on_the_HIV_data_reach_the_maximum_an_independent_optimiser_finds_and_cannot_bound_the_size_from_above()
    {
        // Cross-check, not a published table: R 4.2's optim (BFGS on the logits, 30 random starts) maximising the same
        // conditional likelihood reaches N = 14,838.575 with a class of 0.8 % that list 2 always finds (a boundary maximum),
        // and the profile deviance 2·(max − profile) at N = 9,500, 10,000, 30,000, 60,000 is 4.96, 3.65, 4.24, 2.47: the
        // lower end lies between 9,500 and 10,000, and the likelihood rises again at large N, so no upper end exists.
        var fit = LatentClass.Fit(RcaptureAgreementTests.Data("HIV"), 2);

        Assert.Equal(LatentClass.Family, fit.Family);
        Assert.Equal(10, fit.Parameters);
        Assert.Equal(5, fit.Df);
        Within(14838.575, fit.Estimate, "estimate");
        Assert.InRange(fit.Ci95![0]!.Value, 9500, 10000);
        Assert.Null(fit.Ci95[1]);
        Assert.Contains(fit.Flags, f => f.Code == "unbounded-interval");
        Assert.Contains(fit.Flags, f => f.Code == "boundary");
        Assert.DoesNotContain(fit.Flags, f => f.Code == "not-converged");
    }

    [Theory]
    [InlineData("HARE", 1, 75.0662)]
    [InlineData("HARE", 2, 85.0506)]
    [InlineData("HARE", 3, 81.2888)]
    [InlineData("LES", 2, 5824.123)]
    public void The_fit_matches_LCCR_s_conditional_maximum_likelihood_on_published_data(string data, int classes, double estimate)
    {
        // Reference implementation, not a published table: LCCR 2.0.1 (Bartolucci & Forcina, CRAN), estLCCRcon(Y, H) with its
        // default unrestricted model (main = "LC": a catch probability per list and class), the conditional likelihood this
        // class maximises, best of 15 starts (one default, 14 random) under R 4.2.2; the script is in
        // docs/guides/coverage-method.md. HARE with three classes has local maxima at N = 82.78, 84.42 and 86.57 (lower
        // likelihoods); the best start must find 81.29. One class of the hares is Cormack's (1989, Table 4) Mt, 75.1.
        var fit = LatentClass.Fit(RcaptureAgreementTests.Data(data), classes);

        Within(estimate, fit.Estimate, "estimate", 1e-4);
        Assert.DoesNotContain(fit.Flags, f => f.Code == "not-converged");
    }

    [Fact]
    public void The_same_data_give_the_same_answer_every_time()
    {
        var h = RcaptureAgreementTests.Data("HIV");

        var first = LatentClass.Fit(h, 2);
        var second = LatentClass.Fit(h, 2);

        Assert.Equal(first.Estimate, second.Estimate);
        Assert.Equal(first.Ci95, second.Ci95);
    }

    [Fact]
    public void A_work_limit_that_stops_the_EM_early_is_flagged_not_converged()
    {
        var limits = LatentClassLimits.Default with { MaxEvaluations = 1_000 };

        var fit = LatentClass.Fit(RcaptureAgreementTests.Data("HIV"), 2, limits);

        Assert.Contains(fit.Flags, f => f.Code == "not-converged");
    }

    [Fact]
    public void Latent_classes_start_at_four_lists_and_three_classes_of_four_lists_are_listed_as_not_identifiable()
    {
        Assert.Empty(LatentClass.FitAll(RcaptureAgreementTests.Data("HAV")));

        var fits = LatentClass.FitAll(RcaptureAgreementTests.Data("HIV"));

        Assert.Equal(["Latent classes (2)", "Latent classes (3)"], fits.Select(f => f.Model));
        Assert.Null(fits[1].Estimate);
        Assert.Contains(fits[1].Flags, f => f.Code == "not-identifiable");
    }

    [Fact]
    public void Five_lists_fit_three_classes_too()
    {
        var random = new Random(7);
        var counts = new long[32];
        for (var i = 0; i < 3000; i++)
        {
            var p = i < 600 ? 0.5 : 0.1;
            counts[Enumerable.Range(0, 5).Where(_ => random.NextDouble() < p).Sum(l => 1 << (4 - l))]++;
        }
        counts[0] = 0;

        var fits = LatentClass.FitAll(new CaptureHistories(["a", "b", "c", "d", "e"], counts));

        Assert.All(fits, f => Assert.NotNull(f.Ci95));
        Assert.Equal(18, fits[1].Parameters);
        Assert.Equal(13, fits[1].Df);
    }

    [Fact]
    public void A_list_without_cases_is_not_identifiable_and_never_throws()
    {
        var h = RcaptureAgreementTests.Histories(("1000", 5), ("0100", 3), ("1100", 2), ("0010", 4), ("1010", 1));

        var fit = LatentClass.Fit(h, 2);

        Assert.Null(fit.Estimate);
        Assert.Contains(fit.Flags, f => f.Code == "not-identifiable");
    }
}
