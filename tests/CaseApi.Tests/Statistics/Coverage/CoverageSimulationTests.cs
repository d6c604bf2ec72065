namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// The Monte Carlo study as the gate: 200 seeded populations of each scenario on every run (the same draws every time),
/// and the full study that scripts/coverage-simulation.sh runs: set COVERAGE_SIMULATION_REPLICATES (and
/// COVERAGE_SIMULATION_OUTPUT, a file for the Markdown table) to run it; without them it returns at once.
/// The targets (docs/guides/coverage-method.md): the stated range holds the truth in 90 % of populations in the full
/// run; here, with 200, the gate is 86 % (a 90 % rate falls below it in fewer than 3 % of samples of 200).
/// </summary>
public sealed class CoverageSimulationTests
{
    private const int Replicates = 200;

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    [InlineData("c")]
    [InlineData("d")]
    [InlineData("e")]
    [InlineData("f")]
    public void The_stated_range_holds_the_true_size_in_at_least_86_percent_of_200_populations(string scenario)
    {
        var s = CoverageSimulation.Scenarios.Single(x => x.Key == scenario);

        var answer = CoverageSimulation.Run(s, Replicates, seed: 2026).Answer;

        Assert.Equal(Replicates, answer.Replicates);
        Assert.True(answer.Covered >= 0.86, $"coverage {answer.Covered:P1}");
        if (s.Heterogeneous)
        {
            Assert.True(answer.Warned >= 0.80, $"heterogeneity warning in {answer.Warned:P1}");
        }
        else
        {
            // Lower bounds everywhere would pass the coverage gate; homogeneous data must get an interval, no wider than before.
            Assert.True(answer.TwoSided >= 0.86, $"two-sided {answer.TwoSided:P1}");
            Assert.True(answer.WidthRatio <= 1.25, $"width ratio {answer.WidthRatio:0.00}");
            Assert.True(answer.Warned <= 0.20, $"heterogeneity warning in {answer.Warned:P1}");
        }
    }

    [Fact]
    public void The_full_study_runs_when_asked_for_and_writes_its_table()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("COVERAGE_SIMULATION_REPLICATES"), out var replicates)) return;

        var table = CoverageSimulation.Table(replicates, seed: 2026);

        File.WriteAllText(Environment.GetEnvironmentVariable("COVERAGE_SIMULATION_OUTPUT") ?? "coverage-simulation.md", table);
        Assert.Contains("stated range", table, StringComparison.Ordinal);
    }
}
