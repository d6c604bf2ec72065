using System.Text.Json.Serialization;

namespace CaseApi.Bench;

/// <summary>
/// One line of latest.json. <see cref="Ratio"/> is always the service's cost relative to the reference (1 = as fast,
/// 2 = twice as slow): reference/value for throughputs, value/reference for times. <see cref="Target"/> is the
/// largest ratio docs/design.md allows (for memory, the largest value in MB); met when ratio (or value) is at most the target.
/// A metric the design sets no target for has target null and counts as met.
/// </summary>
internal sealed record Metric(double? Value, double? Reference, double? Ratio, double? Target, bool Met, [property: JsonIgnore] string Unit, [property: JsonIgnore] string Note)
{
    public static Metric Throughput(double? value, double? reference, double? target, string unit, string note)
    {
        double? ratio = value is > 0 && reference is > 0 ? Math.Round(reference.Value / value.Value, 3) : null;
        return new(Round(value), Round(reference), ratio, target, IsMet(ratio, target), unit, note);
    }

    public static Metric Time(double? value, double? reference, double? target, string unit, string note)
    {
        double? ratio = value is > 0 && reference is > 0 ? Math.Round(value.Value / reference.Value, 3) : null;
        return new(Round(value), Round(reference), ratio, target, IsMet(ratio, target), unit, note);
    }

    /// <summary>
    /// Throughputs measured in pairs, the service's run right before its reference's: the ratio is the median of the
    /// pairs' own ratios, so that a load that drifts across the phase (another process, the JIT, autovacuum) moves both
    /// sides of a pair alike instead of whichever side's median it happened to fall on.
    /// </summary>
    public static Metric PairedThroughput(IReadOnlyList<double> values, IReadOnlyList<double> references, double? target, string unit, string note) =>
        Paired(values, references, (v, r) => r / v, target, unit, note);

    /// <summary>Times measured in pairs; the ratio is the median of the pairs' own ratios (see <see cref="PairedThroughput"/>).</summary>
    public static Metric PairedTime(IReadOnlyList<double> values, IReadOnlyList<double> references, double? target, string unit, string note) =>
        Paired(values, references, (v, r) => v / r, target, unit, note);

    private static Metric Paired(
        IReadOnlyList<double> values, IReadOnlyList<double> references, Func<double, double, double> cost, double? target, string unit, string note)
    {
        var pairs = values.Zip(references).Where(p => p.First > 0 && p.Second > 0).Select(p => cost(p.First, p.Second)).ToList();
        double? ratio = pairs.Count > 0 ? Math.Round(BenchProgram.Median(pairs), 3) : null;
        return new(Round(BenchProgram.Median(values)), Round(BenchProgram.Median(references)), ratio, target, IsMet(ratio, target), unit, note);
    }

    public static Metric Ceiling(double? value, double target, string unit, string note) =>
        new(Round(value), null, null, target, value is { } v && v <= target, unit, note);

    private static bool IsMet(double? ratio, double? target) => target is null || (ratio is { } r && r <= target);

    private static double? Round(double? x) => x is { } v ? Math.Round(v, v >= 100 ? 1 : 3) : null;
}
