using System.Globalization;
using System.Text;
using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// The Monte Carlo study of the coverage estimate: closed populations of known size, three lists, seeded draws. Each
/// scenario reports, for the headline and for every single rule (AIC-best, BIC-best, each model alone), the bias, the
/// root mean squared error and how often the 95 % interval covers the truth.
/// </summary>
public static class CoverageSimulation
{
    private static readonly double[] Base = [0.30, 0.40, 0.25];

    public sealed record Scenario(string Key, string Description, int Size, Func<Random, int, int> Draw);

    public sealed record Row(string Rule, int Replicates, double Bias, double Rmse, double Coverage);

    public static IReadOnlyList<Scenario> Scenarios { get; } =
    [
        new("a", "independent lists, N = 1,500", 1500, (r, _) => Independent(r, Base)),
        new("b", "lists 1 and 2 dependent (odds ratio 3), list 3 independent, N = 1,000", 1000, (r, _) => Dependent(r)),
        new("c", "a 20 % subgroup three times as catchable on every list (capped at 1), N = 1,500", 1500,
            (r, i) => Independent(r, i < 300 ? [.. Base.Select(p => Math.Min(1, 3 * p))] : Base)),
        new("d", "three catchability classes: 50 % × 0.5, 30 % × 1, 20 % × 2.5 of the base probabilities, N = 1,500", 1500,
            (r, i) => Independent(r, [.. Base.Select(p => p * (i < 750 ? 0.5 : i < 1200 ? 1 : 2.5))])),
    ];

    private static int Independent(Random random, double[] p)
    {
        var mask = 0;
        for (var list = 0; list < 3; list++)
        {
            if (random.NextDouble() < p[list]) mask |= 1 << (2 - list);
        }
        return mask;
    }

    // Lists 1 and 2 with margins 0.30 and 0.40 and odds ratio 3: p11 solves p11(1 − p1 − p2 + p11) = 3(p1 − p11)(p2 − p11).
    private static readonly double P11 = SolveJoint(0.30, 0.40, 3);

    private static int Dependent(Random random)
    {
        var u = random.NextDouble();
        var mask = u < P11 ? 0b110 : u < 0.30 ? 0b100 : u < 0.30 + (0.40 - P11) ? 0b010 : 0;
        return random.NextDouble() < 0.25 ? mask | 1 : mask;
    }

    private static double SolveJoint(double p1, double p2, double oddsRatio)
    {
        // (OR − 1)·p11² − (1 + (OR − 1)(p1 + p2))·p11 + OR·p1·p2 = 0, the smaller root.
        double a = oddsRatio - 1, b = -(1 + ((oddsRatio - 1) * (p1 + p2))), c = oddsRatio * p1 * p2;
        return (-b - Math.Sqrt((b * b) - (4 * a * c))) / (2 * a);
    }

    public static CaptureHistories Draw(Scenario scenario, Random random)
    {
        var counts = new long[8];
        for (var i = 0; i < scenario.Size; i++) counts[scenario.Draw(random, i)]++;
        counts[0] = 0;
        return new CaptureHistories(["list-1", "list-2", "list-3"], counts);
    }

    /// <summary>Runs one scenario: <paramref name="replicates"/> seeded populations, every rule scored against the true size.</summary>
    public static IReadOnlyList<Row> Run(Scenario scenario, int replicates, int seed)
    {
        var random = new Random(seed);
        var results = new Dictionary<string, List<(double Estimate, bool Covered)>>(StringComparer.Ordinal);
        void Score(string rule, double? estimate, double? low, double? high)
        {
            if (!results.TryGetValue(rule, out var list)) results[rule] = list = [];
            if (estimate is { } e) list.Add((e, low <= scenario.Size && (high is null || scenario.Size <= high)));
        }

        for (var replicate = 0; replicate < replicates; replicate++)
        {
            var analysis = CoverageAnalysis.Analyse(Draw(scenario, random));
            Score("headline (smoothed AIC weights)", analysis.Headline?.Estimate, analysis.Headline?.Ci95[0], analysis.Headline?.Ci95[1]);
            var checkable = analysis.Models.Where(m => m.Family == CaptureRecapture.LogLinear && m.Estimate is not null && m.Df > 0).ToList();
            foreach (var (rule, pick) in new[] { ("AIC-best (nonzero df)", checkable.MinBy(m => m.Aic)), ("BIC-best (nonzero df)", checkable.MinBy(m => m.Bic)) })
            {
                Score(rule, pick?.Estimate, pick?.Ci95?[0], pick?.Ci95?[1]);
            }
            foreach (var model in analysis.Models) Score(model.Model, model.Estimate, model.Ci95?[0], model.Ci95?[1]);
        }

        return [.. results.Select(r => new Row(r.Key, r.Value.Count,
            r.Value.Count == 0 ? double.NaN : r.Value.Average(v => v.Estimate) - scenario.Size,
            r.Value.Count == 0 ? double.NaN : Math.Sqrt(r.Value.Average(v => Math.Pow(v.Estimate - scenario.Size, 2))),
            r.Value.Count == 0 ? double.NaN : r.Value.Count(v => v.Covered) / (double)r.Value.Count))];
    }

    /// <summary>The results as the Markdown tables of docs/guides/coverage-method.md.</summary>
    public static string Table(int replicates, int seed)
    {
        var text = new StringBuilder();
        foreach (var scenario in Scenarios)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**({scenario.Key}) {scenario.Description}** — {replicates} replicates, seed {seed}")
                .AppendLine()
                .AppendLine("| rule | estimates | bias | RMSE | 95 % coverage |")
                .AppendLine("|---|---:|---:|---:|---:|");
            foreach (var row in Run(scenario, replicates, seed))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Rule} | {row.Replicates} | {row.Bias:+0;-0;0} | {row.Rmse:0} | {row.Coverage:P1} |");
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
