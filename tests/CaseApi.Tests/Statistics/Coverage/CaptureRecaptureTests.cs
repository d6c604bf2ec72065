using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// The estimators against worked examples and closed forms computed here independently of the module's code paths
/// (the log-linear fits are iterative; their answers are checked against exact solutions that need no iteration).
/// </summary>
public sealed class CaptureRecaptureTests
{
    private const double Z = 1.959963984540054;

    private static CaptureHistories Histories(params (string Pattern, long Count)[] cells) =>
        CaptureHistories.FromPatterns([.. Enumerable.Range(0, cells[0].Pattern.Length).Select(i => $"list-{i}")],
            cells.Select(c => KeyValuePair.Create(c.Pattern, c.Count)));

    private static (double Low, double High) LogNormalInterval(double observed, double estimate, double variance)
    {
        var f0 = estimate - observed;
        var c = Math.Exp(Z * Math.Sqrt(Math.Log(1 + (variance / (f0 * f0)))));
        return (observed + (f0 / c), observed + (f0 * c));
    }

    [Fact]
    public void Chapman_reproduces_the_textbook_example_of_10_marked_15_caught_and_5_recaptured()
    {
        // The standard worked example (e.g. Wikipedia, "Mark and recapture"): n1 = 10, n2 = 15, m = 5 gives
        // Lincoln–Petersen 30 and Chapman (11·16)/6 − 1 = 28.3.
        var h = Histories(("10", 5), ("01", 10), ("11", 5));

        var chapman = CaptureRecapture.EstimateChapman(h);

        Assert.Equal(28.333333, chapman.Estimate!.Value, 5);
        // Seber's variance: (n1+1)(n2+1)(n1−m)(n2−m)/((m+1)²(m+2)) = 11·16·5·10/(36·7).
        Assert.Equal(Math.Sqrt(11.0 * 16 * 5 * 10 / (36 * 7)), chapman.StandardError!.Value, 9);
        var (low, high) = LogNormalInterval(20, 28.333333333333333, 11.0 * 16 * 5 * 10 / (36 * 7));
        Assert.Equal(low, chapman.Ci95![0]!.Value, 6);
        Assert.Equal(high, chapman.Ci95[1]!.Value, 6);
        Assert.Equal(20 / 28.333333333333333, chapman.Coverage!.Value, 9);
        Assert.NotEmpty(chapman.Notes); // m = 5 ≤ 7: flagged as small.
    }

    [Fact]
    public void Chapman_interval_never_falls_below_the_observed_count_and_contains_the_estimate()
    {
        var h = Histories(("10", 400), ("01", 300), ("11", 60));

        var chapman = CaptureRecapture.EstimateChapman(h);

        Assert.Equal((461.0 * 361 / 61) - 1, chapman.Estimate!.Value, 9);
        Assert.InRange(chapman.Ci95![0]!.Value, h.Observed, chapman.Estimate.Value);
        Assert.True(chapman.Ci95[1] > chapman.Estimate);
        Assert.Empty(chapman.Notes);
    }

    [Fact]
    public void Chapman_is_null_with_a_note_when_the_lists_do_not_overlap()
    {
        var chapman = CaptureRecapture.EstimateChapman(Histories(("10", 12), ("01", 9), ("11", 0)));

        Assert.Null(chapman.Estimate);
        Assert.Null(chapman.Ci95);
        Assert.Contains("m = 0", Assert.Single(chapman.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Chapman_when_one_list_contains_the_other_estimates_exactly_the_observed_cases()
    {
        var chapman = CaptureRecapture.EstimateChapman(Histories(("10", 0), ("01", 7), ("11", 13)));

        Assert.Equal(20, chapman.Estimate!.Value, 9);
        Assert.Equal([20.0, 20.0], chapman.Ci95!.Select(v => v!.Value));
    }

    [Fact]
    public void Chao_bound_follows_the_1987_formula_and_variance()
    {
        // Three lists: f1 = 30 + 20 + 10 = 60, f2 = 8 + 6 + 4 = 18, f3 = 2, S = 80.
        var h = Histories(("100", 30), ("010", 20), ("001", 10), ("110", 8), ("101", 6), ("011", 4), ("111", 2));
        double f1 = 60, f2 = 18, r = f1 / f2;

        var chao = CaptureRecapture.EstimateChao(h);

        var expected = 80 + (f1 * f1 / (2 * f2));
        var variance = f2 * ((Math.Pow(r, 4) / 4) + Math.Pow(r, 3) + (r * r / 2));
        Assert.Equal(expected, chao.Estimate!.Value, 9);
        Assert.Equal(Math.Sqrt(variance), chao.StandardError!.Value, 9);
        var (low, high) = LogNormalInterval(80, expected, variance);
        Assert.Equal(low, chao.Ci95![0]!.Value, 6);
        Assert.Equal(high, chao.Ci95[1]!.Value, 6);
    }

    [Fact]
    public void Chao_is_null_with_a_note_when_no_case_is_on_exactly_two_lists()
    {
        var chao = CaptureRecapture.EstimateChao(Histories(("100", 30), ("010", 20), ("001", 10), ("111", 5)));

        Assert.Null(chao.Estimate);
        Assert.Contains("f2 = 0", Assert.Single(chao.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_linear_independence_for_two_lists_is_the_Lincoln_Petersen_estimate()
    {
        var h = Histories(("10", 40), ("01", 30), ("11", 20));

        var fit = CaptureRecapture.FitModel(h, []);

        Assert.Equal(60.0 * 50 / 20, fit!.Value.Estimate, 6);
    }

    [Fact]
    public void Log_linear_independence_for_three_lists_solves_Darroch_s_equation()
    {
        // Darroch (1958), Biometrika 45:343–359: under independence (model Mt) the estimate solves
        // 1 − S/N = Π (1 − n_i/N), n_i the cases on list i.
        var h = Histories(("100", 61), ("010", 45), ("001", 52), ("110", 19), ("101", 23), ("011", 14), ("111", 7));

        var n = CaptureRecapture.FitModel(h, [])!.Value.Estimate;

        double[] onList = [h.OnList(0), h.OnList(1), h.OnList(2)];
        Assert.Equal(1 - (h.Observed / n), onList.Aggregate(1.0, (product, ni) => product * (1 - (ni / n))), 9);
    }

    [Fact]
    public void Log_linear_all_two_way_model_for_three_lists_matches_its_closed_form()
    {
        // Saturated on the seven observed cells, so the unseen cell is n111·n100·n010·n001 / (n110·n101·n011)
        // (Fienberg 1972, Biometrika 59:591–603).
        var h = Histories(("100", 61), ("010", 45), ("001", 52), ("110", 19), ("101", 23), ("011", 14), ("111", 7));

        var fit = CaptureRecapture.FitModel(h, [(0, 1), (0, 2), (1, 2)]);

        Assert.Equal(h.Observed + (7.0 * 61 * 45 * 52 / (19 * 23 * 14)), fit!.Value.Estimate, 6);
    }

    [Fact]
    public void Log_linear_model_with_one_interaction_matches_its_closed_form()
    {
        // Lists 1 and 2 dependent, list 3 independent of both: list 3 is a Lincoln–Petersen recapture of "lists 1 or 2",
        // so the unseen cell is n001 · (n100 + n010 + n110) / (n101 + n011 + n111).
        var h = Histories(("100", 61), ("010", 45), ("001", 52), ("110", 19), ("101", 23), ("011", 14), ("111", 7));

        var fit = CaptureRecapture.FitModel(h, [(0, 1)]);

        Assert.Equal(h.Observed + (52.0 * (61 + 45 + 19) / (23 + 14 + 7)), fit!.Value.Estimate, 6);
    }

    [Fact]
    public void Log_linear_chooses_by_AIC_the_model_that_generated_the_counts()
    {
        // Expected counts of a model with a list-0 × list-1 interaction: μ = 10 · 2^a · 3^b · 4^c · 5^(ab), unseen = 10.
        var h = Histories(("100", 20), ("010", 30), ("001", 40), ("110", 300), ("101", 80), ("011", 120), ("111", 1200));

        var estimate = CaptureRecapture.EstimateLogLinear(h);

        Assert.Equal("list-0:list-1", estimate.Model);
        Assert.Equal(1800, estimate.Estimate!.Value, 4);
        Assert.Equal(5, estimate.Models!.Count);
        var chosen = estimate.Models.Single(m => m.Model == estimate.Model);
        Assert.All(estimate.Models.Where(m => m != chosen), m => Assert.True(m.Aic > chosen.Aic, $"{m.Model}: AIC {m.Aic} ≤ {chosen.Aic}"));
        Assert.InRange(1800, estimate.Ci95![0]!.Value, estimate.Ci95[1]!.Value);
        Assert.Contains(CaptureRecapture.Assumptions(h, [estimate]), a => a.Contains("between list-0 and list-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Log_linear_interval_narrows_as_the_counts_grow()
    {
        (string, long)[] cells = [("100", 61), ("010", 45), ("001", 52), ("110", 19), ("101", 23), ("011", 14), ("111", 7)];

        var small = CaptureRecapture.ProfileInterval(Histories(cells), []);
        var large = CaptureRecapture.ProfileInterval(Histories([.. cells.Select(c => (c.Item1, c.Item2 * 4))]), []);

        var relativeSmall = (small.High!.Value - small.Low) / Histories(cells).Observed;
        var relativeLarge = (large.High!.Value - large.Low) / (4.0 * Histories(cells).Observed);
        Assert.InRange(relativeLarge / relativeSmall, 0.4, 0.6); // width ∝ 1/√n
    }

    [Fact]
    public void Log_linear_interval_brackets_the_estimate_and_stays_above_the_observed_count()
    {
        var h = Histories(("100", 61), ("010", 45), ("001", 52), ("110", 19), ("101", 23), ("011", 14), ("111", 7));

        var estimate = CaptureRecapture.EstimateLogLinear(h);

        Assert.InRange(estimate.Estimate!.Value, estimate.Ci95![0]!.Value, estimate.Ci95[1]!.Value);
        Assert.True(estimate.Ci95[0] >= h.Observed);
        Assert.Equal(h.Observed / estimate.Estimate.Value, estimate.Coverage!.Value, 12);
    }

    [Fact]
    public void Log_linear_leaves_out_models_that_cannot_be_fitted_and_says_so_in_their_AIC()
    {
        // No case on both list 0 and list 1: the list-0 × list-1 interaction runs to −∞, so models with it have no estimate.
        var h = Histories(("100", 30), ("010", 20), ("001", 25), ("110", 0), ("101", 6), ("011", 4), ("111", 0));

        var estimate = CaptureRecapture.EstimateLogLinear(h);

        Assert.NotNull(estimate.Estimate);
        Assert.Null(estimate.Models!.Single(m => m.Model == "list-0:list-1").Aic);
        Assert.DoesNotContain("list-0:list-1", estimate.Model, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_pair_of_lists_is_a_candidate_interaction_for_four_lists()
    {
        var models = CaptureRecapture.Models(4);

        Assert.Equal(1 + 6 + 1, models.Count);
        Assert.Empty(models[0]);
        Assert.Equal(6, models[^1].Count);
    }

    [Fact]
    public void Patterns_read_in_the_order_of_the_lists()
    {
        var h = CaptureHistories.FromPatterns(["a", "b", "c"], [KeyValuePair.Create("100", 3L), KeyValuePair.Create("011", 2L)]);

        Assert.Equal(3, h.OnList(0));
        Assert.Equal(2, h.OnList(2));
        Assert.Equal(3, h.SeenOn(1));
        Assert.Equal(2, h.SeenOn(2));
        Assert.Equal(["001", "010", "011", "100", "101", "110", "111"], h.ByPattern().Keys);
    }
}
