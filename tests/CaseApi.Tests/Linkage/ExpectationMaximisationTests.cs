using CaseApi.Linkage;

namespace CaseApi.Tests.Linkage;

/// <summary>
/// EM validated by seeded simulation: pairs drawn from a known two-class mixture under conditional independence, with
/// features missing at random; the fit must recover the proportion and every m and u.
/// </summary>
public sealed class ExpectationMaximisationTests
{
    private static readonly FellegiSunterModel Truth = new(0.15,
        [[0.70, 0.20, 0.06, 0.04], [0.30, 0.35, 0.25, 0.06, 0.04], [0.55, 0.30, 0.15], [0.90, 0.10], [0.40, 0.60]],
        [[0.01, 0.02, 0.07, 0.90], [0.01, 0.03, 0.16, 0.20, 0.60], [0.05, 0.15, 0.80], [0.10, 0.90], [0.001, 0.999]]);

    private static List<ComparisonVector> Draw(int pairs, int seed)
    {
        var random = new Random(seed);
        int Level(double[] probabilities)
        {
            var u = random.NextDouble();
            for (var level = 0; level < probabilities.Length - 1; level++)
            {
                if ((u -= probabilities[level]) < 0) return level;
            }
            return probabilities.Length - 1;
        }
        var vectors = new List<ComparisonVector>(pairs);
        for (var i = 0; i < pairs; i++)
        {
            var p = random.NextDouble() < Truth.Proportion ? Truth.M : Truth.U;
            int[] levels = [.. p.Select(Level)];
            // Missing at random: a fifth of the titles, half the references.
            if (random.NextDouble() < 0.2) levels[2] = LinkageFeatures.Missing;
            if (random.NextDouble() < 0.5) levels[4] = LinkageFeatures.Missing;
            vectors.Add(new ComparisonVector(levels[0], levels[1], levels[2], levels[3], levels[4]));
        }
        return vectors;
    }

    [Fact]
    public void EM_recovers_the_proportion_and_every_m_and_u_of_a_simulated_mixture()
    {
        var pairs = Draw(40_000, seed: 7);

        var fit = ExpectationMaximisation.Fit(pairs, new LinkageOptions());

        Assert.True(fit.Converged);
        Assert.Equal(Truth.Proportion, fit.Model.Proportion, 0.01);
        foreach (var feature in LinkageFeatures.All)
        {
            for (var level = 0; level < LinkageFeatures.Levels(feature).Count; level++)
            {
                Assert.Equal(Truth.M[(int)feature][level], fit.Model.M[(int)feature][level], 0.02);
                Assert.Equal(Truth.U[(int)feature][level], fit.Model.U[(int)feature][level], 0.01);
            }
        }
    }

    [Fact]
    public void Without_pseudo_counts_every_iteration_raises_the_likelihood()
    {
        // Dempster, Laird & Rubin (1977): the log-likelihood never falls from one EM iteration to the next.
        var pairs = Draw(5_000, seed: 11);

        var likelihoods = Enumerable.Range(1, 15)
            .Select(n => ExpectationMaximisation.Fit(pairs, new LinkageOptions { PseudoCount = 0, MaxIterations = n, Tolerance = 0 }).LogLikelihood)
            .ToList();

        Assert.All(likelihoods.Zip(likelihoods.Skip(1)), step => Assert.True(step.Second >= step.First - 1e-9, $"{step.First} then {step.Second}"));
    }

    [Fact]
    public void No_pairs_leave_the_starting_model()
    {
        var fit = ExpectationMaximisation.Fit([], new LinkageOptions());

        Assert.Same(FellegiSunterModel.Initial, fit.Model);
        Assert.Equal(0, fit.Iterations);
    }
}
