using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// Closed populations of known size captured by independent lists with known probabilities (seeded, so every run
/// draws the same 200 populations): the 95 % intervals must cover the true size in at least 90 % of them.
/// </summary>
public sealed class CaptureRecaptureSimulationTests
{
    private const int Simulations = 200;
    private const int PopulationSize = 400;

    /// <summary>Each case is on list i with probability p(case, i), independently: the capture histories of one draw.</summary>
    private static CaptureHistories Capture(Random random, int size, int lists, Func<int, int, double> probability)
    {
        var counts = new long[1 << lists];
        for (var member = 0; member < size; member++)
        {
            var mask = 0;
            for (var list = 0; list < lists; list++)
            {
                if (random.NextDouble() < probability(member, list)) mask |= 1 << (lists - 1 - list);
            }
            counts[mask]++;
        }
        counts[0] = 0; // nobody can count the cases no list found
        return new CaptureHistories([.. Enumerable.Range(0, lists).Select(i => $"list-{i}")], counts);
    }

    private static bool Covers(CoverageEstimate estimate, double truth) =>
        estimate.Ci95 is [{ } low, var high] && low <= truth && (high is null || truth <= high);

    [Fact]
    public void Chapman_intervals_cover_the_true_size_in_at_least_90_percent_of_200_populations()
    {
        double[] p = [0.3, 0.25];
        var random = new Random(20261126);

        var covered = Enumerable.Range(0, Simulations)
            .Count(_ => Covers(CaptureRecapture.EstimateChapman(Capture(random, PopulationSize, 2, (_, list) => p[list])), PopulationSize));

        Assert.True(covered >= 0.9 * Simulations, $"covered {covered} of {Simulations}");
    }

    [Fact]
    public void Log_linear_independence_intervals_cover_the_true_size_in_at_least_90_percent_of_200_populations()
    {
        double[] p = [0.3, 0.25, 0.35];
        var random = new Random(1987);

        var covered = Enumerable.Range(0, Simulations).Count(_ =>
        {
            var h = Capture(random, PopulationSize, 3, (_, list) => p[list]);
            var (low, high) = CaptureRecapture.ProfileInterval(h, []);
            return low <= PopulationSize && (high is null || PopulationSize <= high);
        });

        Assert.True(covered >= 0.9 * Simulations, $"covered {covered} of {Simulations}");
    }

    [Fact]
    public void Log_linear_estimates_chosen_by_AIC_cover_the_true_size_in_at_least_90_percent_of_200_populations()
    {
        double[] p = [0.3, 0.25, 0.35];
        var random = new Random(1992);

        var covered = Enumerable.Range(0, Simulations)
            .Count(_ => Covers(CaptureRecapture.EstimateLogLinear(Capture(random, PopulationSize, 3, (_, list) => p[list])), PopulationSize));

        // Model selection costs some coverage (the interval ignores the choice), so this is the honest floor, not 95 %.
        Assert.True(covered >= 0.85 * Simulations, $"covered {covered} of {Simulations}");
    }

    [Fact]
    public void Chao_bound_stays_at_or_below_the_true_size_when_catchability_differs_between_cases()
    {
        // Half the cases are hard to find (p = 0.05 on every list), half easy (p = 0.5): Chapman and independence
        // models underestimate, and Chao's bound is a bound.
        var random = new Random(43);

        var estimates = Enumerable.Range(0, Simulations)
            .Select(_ => CaptureRecapture.EstimateChao(Capture(random, 1000, 3, (member, _) => member % 2 == 0 ? 0.05 : 0.5)).Estimate!.Value)
            .ToList();

        Assert.True(estimates.Count(e => e <= 1000) >= 0.95 * Simulations, $"{estimates.Count(e => e <= 1000)} of {Simulations} at or below 1000");
    }

    [Fact]
    public void Chao_bound_is_close_to_the_truth_on_average_with_many_equally_catchable_lists()
    {
        // With equal catchability p on t lists, E[f1²/(2·f2)] ≈ N·(t/(t−1))·q^t while the unseen are N·q^t (Chao 1987):
        // with t = 8 and p = 0.15 the expected estimate is N·(1 − q^8 + (8/7)·q^8) ≈ 1.039·N.
        var random = new Random(89);

        var mean = Enumerable.Range(0, Simulations)
            .Average(_ => CaptureRecapture.EstimateChao(Capture(random, PopulationSize, 8, (_, _) => 0.15)).Estimate!.Value);

        Assert.InRange(mean, 1.01 * PopulationSize, 1.07 * PopulationSize);
    }
}
