using System.Globalization;
using System.Text;
using CaseApi.Statistics.Coverage;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>
/// The Monte Carlo study of the coverage answer: closed populations of known size, seeded draws, six scenarios (three
/// lists with and without dependence or heterogeneity, four lists with two latent classes, five sparse lists). For the
/// answer it reports how often the range it states (its interval, or its lower bound when it says the lists cannot bound
/// the number from above) holds the truth, how often it is two-sided, its median width against the log-linear average's,
/// and how often the heterogeneity warning fires; for single rules and models, bias, RMSE and interval coverage.
/// </summary>
public static class CoverageSimulation
{
    private static readonly double[] Base = [0.30, 0.40, 0.25];

    public sealed record Scenario(string Key, string Description, int Lists, int Size, bool Heterogeneous, Func<Random, int, int> Draw);

    /// <summary>The answer's record over one scenario's replicates.</summary>
    /// <param name="Replicates">Replicates with an answer (a headline).</param>
    /// <param name="Covered">Share whose stated range holds the true size.</param>
    /// <param name="TwoSided">Share that state an interval (not a lower bound only).</param>
    /// <param name="WidthRatio">Median width of the two-sided answers ÷ median width of the log-linear average's intervals.</param>
    /// <param name="Warned">Share with the heterogeneity warning in the notes.</param>
    /// <param name="Bias">Mean estimate of the two-sided answers minus the true size.</param>
    public sealed record Answer(int Replicates, double Covered, double TwoSided, double WidthRatio, double Warned, double Bias);

    public sealed record Row(string Rule, int Replicates, double Bias, double Rmse, double Coverage);

    public sealed record Result(Answer Answer, IReadOnlyList<Row> Rows);

    public static IReadOnlyList<Scenario> Scenarios { get; } =
    [
        new("a", "three independent lists, N = 1,500", 3, 1500, false, (r, _) => Independent(r, Base)),
        new("b", "three lists, 1 and 2 dependent (odds ratio 3), N = 1,000", 3, 1000, false, (r, _) => Dependent(r)),
        new("c", "three lists, a 20 % subgroup three times as catchable on every list (capped at 1), N = 1,500", 3, 1500, true,
            (r, i) => Independent(r, i < 300 ? [.. Base.Select(p => Math.Min(1, 3 * p))] : Base)),
        new("d", "three lists, three catchability classes: 50 % × 0.5, 30 % × 1, 20 % × 2.5 of the base probabilities, N = 1,500", 3, 1500,
            true, (r, i) => Independent(r, [.. Base.Select(p => p * (i < 750 ? 0.5 : i < 1200 ? 1 : 2.5))])),
        new("e", "four lists, two latent classes: 25 % with p = 0.45 on every list, 75 % with p = 0.09, N = 2,000", 4, 2000, true,
            (r, i) => Independent(r, i < 500 ? [0.45, 0.45, 0.45, 0.45] : [0.09, 0.09, 0.09, 0.09])),
        new("f", "five independent lists with small counts (p = 0.25, 0.15, 0.20, 0.10, 0.30), N = 250", 5, 250, false,
            (r, _) => Independent(r, [0.25, 0.15, 0.20, 0.10, 0.30])),
    ];

    private static int Independent(Random random, double[] p)
    {
        var mask = 0;
        for (var list = 0; list < p.Length; list++)
        {
            if (random.NextDouble() < p[list]) mask |= 1 << (p.Length - 1 - list);
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
        var counts = new long[1 << scenario.Lists];
        for (var i = 0; i < scenario.Size; i++) counts[scenario.Draw(random, i)]++;
        counts[0] = 0;
        return new CaptureHistories([.. Enumerable.Range(1, scenario.Lists).Select(i => $"list-{i}")], counts);
    }

    /// <summary>
    /// Runs one scenario: <paramref name="replicates"/> populations drawn in order from one seed, then analysed two at a
    /// time (each analysis is a pure function of its table, so the result does not depend on the order). The log-linear
    /// models' profile intervals, which the answer never reads, are skipped.
    /// </summary>
    public static Result Run(Scenario scenario, int replicates, int seed)
    {
        var random = new Random(seed);
        var tables = Enumerable.Range(0, replicates).Select(_ => Draw(scenario, random)).ToList();
        var analyses = new CoverageAnalysis[replicates];
        var averages = new CoverageHeadline?[replicates];
        Parallel.For(0, replicates, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            analyses[i] = CoverageAnalysis.Analyse(tables[i], logLinearIntervals: false);
            averages[i] = CoverageHeadlines.Average(tables[i], analyses[i].Models).Headline;
        });

        double truth = scenario.Size;
        var answered = analyses.Select(a => a.Headline).OfType<CoverageHeadline>().ToList();
        var twoSided = answered.Where(h => !h.IsLowerBound).ToList();
        static double Median(IEnumerable<double> values) =>
            values.Order().ToList() is { Count: > 0 } sorted ? sorted[sorted.Count / 2] : double.NaN;
        var answer = new Answer(
            answered.Count,
            answered.Count(h => h.Low <= truth && (h.Ci95[1] is not { } high || truth <= high)) / (double)replicates,
            twoSided.Count / (double)replicates,
            Median(twoSided.Select(h => h.Ci95[1]!.Value - h.Low)) / Median(averages.OfType<CoverageHeadline>().Select(h => h.Ci95[1]!.Value - h.Low)),
            analyses.Count(a => a.Notes.Any(n => n.StartsWith("Catchability differs", StringComparison.Ordinal))) / (double)replicates,
            twoSided.Count == 0 ? double.NaN : twoSided.Average(h => h.Estimate!.Value) - truth);

        var results = new Dictionary<string, List<(double Estimate, bool? Covered)>>(StringComparer.Ordinal);
        void Score(string rule, double? estimate, IReadOnlyList<double?>? interval)
        {
            if (!results.TryGetValue(rule, out var list)) results[rule] = list = [];
            if (estimate is { } e) list.Add((e, interval is [{ } low, var high] ? low <= truth && (high is null || truth <= high) : null));
        }
        for (var i = 0; i < replicates; i++)
        {
            Score("log-linear average (smoothed AIC weights)", averages[i]?.Estimate, averages[i]?.Ci95);
            var checkable = analyses[i].Models.Where(m => m.Family == CaptureRecapture.LogLinear && m.Estimate is not null && m.Df > 0).ToList();
            Score("AIC-best log-linear (nonzero df)", checkable.MinBy(m => m.Aic)?.Estimate, null);
            Score("BIC-best log-linear (nonzero df)", checkable.MinBy(m => m.Bic)?.Estimate, null);
            // Every model for three lists; with more, the 73 or 1,033 log-linear models would drown the table.
            foreach (var model in analyses[i].Models.Where(m => scenario.Lists == 3 || m.Family != CaptureRecapture.LogLinear || m.Model is "M0" or "Mt"))
            {
                Score(model.Model, model.Estimate, model.Ci95);
            }
        }
        return new(answer, [.. results.Select(r => new Row(r.Key, r.Value.Count,
            r.Value.Count == 0 ? double.NaN : r.Value.Average(v => v.Estimate) - truth,
            r.Value.Count == 0 ? double.NaN : Math.Sqrt(r.Value.Average(v => Math.Pow(v.Estimate - truth, 2))),
            r.Value.Count(v => v.Covered is not null) is var n and > 0 ? r.Value.Count(v => v.Covered == true) / (double)n : double.NaN))]);
    }

    /// <summary>The results as the Markdown tables of docs/guides/coverage-method.md.</summary>
    public static string Table(int replicates, int seed)
    {
        var text = new StringBuilder();
        var results = Scenarios.Select(s => (Scenario: s, Result: Run(s, replicates, seed))).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"**The answer**: {replicates} replicates a scenario, seed {seed}")
            .AppendLine()
            .AppendLine("| scenario | kind | stated range holds N | two-sided | median width ÷ log-linear average's | heterogeneity warning | bias (two-sided) |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (s, r) in results)
        {
            var a = r.Answer;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| ({s.Key}) {s.Description} | {(s.Heterogeneous ? "heterogeneous" : "homogeneous")} | {a.Covered:P1} | {a.TwoSided:P1} | " +
                $"{a.WidthRatio:0.00} | {a.Warned:P1} | {a.Bias:+0;-0;0} |");
        }
        text.AppendLine();
        foreach (var (s, r) in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**({s.Key}) {s.Description}**")
                .AppendLine()
                .AppendLine("| rule or model | estimates | bias | RMSE | 95 % coverage |")
                .AppendLine("|---|---:|---:|---:|---:|");
            foreach (var row in r.Rows)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Rule} | {row.Replicates} | {row.Bias:+0;-0;0} | {row.Rmse:0} | {(double.IsNaN(row.Coverage) ? "–" : row.Coverage.ToString("P1", CultureInfo.InvariantCulture))} |");
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
