namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// The Monte Carlo study, small enough for every run (seeded, so every run draws the same populations), and the full
/// study that scripts/coverage-simulation.sh runs: set COVERAGE_SIMULATION_REPLICATES (and COVERAGE_SIMULATION_OUTPUT,
/// a file for the Markdown table) to run it; without them it returns at once.
/// </summary>
public sealed class CoverageSimulationTests
{
    private const int Replicates = 150;

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void The_headline_interval_covers_the_true_size_in_at_least_90_percent_of_populations(string scenario)
    {
        var rows = CoverageSimulation.Run(CoverageSimulation.Scenarios.Single(s => s.Key == scenario), Replicates, seed: 2026);

        var headline = rows.Single(r => r.Rule.StartsWith("headline", StringComparison.Ordinal));
        Assert.Equal(Replicates, headline.Replicates);
        Assert.True(headline.Coverage >= 0.90, $"coverage {headline.Coverage:P1}");
    }

    [Fact]
    public void The_full_study_runs_when_asked_for_and_writes_its_table()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("COVERAGE_SIMULATION_REPLICATES"), out var replicates)) return;

        var table = CoverageSimulation.Table(replicates, seed: 2026);

        File.WriteAllText(Environment.GetEnvironmentVariable("COVERAGE_SIMULATION_OUTPUT") ?? "coverage-simulation.md", table);
        Assert.Contains("headline", table, StringComparison.Ordinal);
    }
}
