using System.Diagnostics;
using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// The largest analysis the endpoint accepts: five lists, every hierarchical log-linear model. Its cost is reported
/// (processor time) for whoever reads the log, never asserted: a test's clock measures its neighbours too.
/// </summary>
public sealed class FiveListTests
{
    [Fact]
    public void Five_lists_and_5000_cases_fit_every_hierarchical_model_and_choose_a_headline()
    {
        var random = new Random(5000);
        double[] p = [0.3, 0.4, 0.25, 0.35, 0.2];
        var counts = new long[32];
        for (var i = 0; i < 5000; i++) counts[Enumerable.Range(0, 5).Where(l => random.NextDouble() < p[l]).Sum(l => 1 << (4 - l))]++;
        counts[0] = 0;
        var h = new CaptureHistories(["a", "b", "c", "d", "e"], counts);

        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var analysis = CoverageAnalysis.Analyse(h);
        var used = Process.GetCurrentProcess().TotalProcessorTime - before;

        TestContext.Current.TestOutputHelper?.WriteLine($"{analysis.Models.Count} models in {used.TotalMilliseconds:0} ms of processor time");
        // 1,033 log-linear and heterogeneity models and the two latent-class models.
        Assert.Equal(1035, analysis.Models.Count);
        Assert.NotNull(analysis.Headline);
    }
}
