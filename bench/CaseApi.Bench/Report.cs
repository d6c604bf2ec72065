using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>Writes bench/results/latest.json (the last stage, plus growth between the first and last stage) and latest.md.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task WriteAsync(BenchOptions o, NpgsqlDataSource db, List<(long Cases, Dictionary<string, Metric> Metrics)> stages)
    {
        var machine = await MachineAsync(db);
        var (cases, metrics) = stages[^1];
        var all = new Dictionary<string, Metric>(metrics, StringComparer.Ordinal);
        var growth = stages.Count > 1 ? Growth(stages[0], stages[^1]) : [];
        foreach (var (name, metric) in growth) all[name] = metric;

        Directory.CreateDirectory(o.ResultsDir);
        await File.WriteAllTextAsync(Path.Combine(o.ResultsDir, "latest.json"),
            JsonSerializer.Serialize(new { machine, cases, rateLimits = o.Limits, metrics = all }, Json) + "\n");
        await File.WriteAllTextAsync(Path.Combine(o.ResultsDir, "latest.md"), Markdown(o, machine, cases, all, stages));
    }

    /// <summary>
    /// How each cost grows from the first stage to the last: cost per request or row at the last stage over the
    /// first (1 = flat), for the service (value) and its reference; ratio = value/reference. Only export memory
    /// has a target: it must stay flat (at most 1.5x) whatever the number of rows.
    /// </summary>
    private static Dictionary<string, Metric> Growth((long Cases, Dictionary<string, Metric> Metrics) first, (long Cases, Dictionary<string, Metric> Metrics) last)
    {
        var growth = new Dictionary<string, Metric>(StringComparer.Ordinal);
        foreach (var (name, end) in last.Metrics)
        {
            if (!first.Metrics.TryGetValue(name, out var start) || name == "memory_high_water_mb") continue;
            var perSecond = end.Unit.EndsWith("/s", StringComparison.Ordinal);
            double? Cost(double? x) => x is > 0 ? perSecond ? 1 / x : x : null;
            double? Factor(double? a, double? b) => Cost(a) is { } ca && Cost(b) is { } cb ? ca / cb : null;
            var value = Factor(end.Value, start.Value);
            var reference = Factor(end.Reference, start.Reference);
            var note = $"cost at {last.Cases:N0} cases / cost at {first.Cases:N0} ({name})";
            growth[$"growth_{name}"] = name == "memory_peak_mb_export"
                ? Metric.Ceiling(value, 1.5, "x", note + "; export memory must stay flat")
                : Metric.Time(value, reference, null, "x", note);
        }
        return growth;
    }

    private static async Task<Dictionary<string, object>> MachineAsync(NpgsqlDataSource db)
    {
        string? Field(string file, string prefix) =>
            File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim(' ', '\t', ':', '=', '"') : null;
        var memKb = Field("/proc/meminfo", "MemTotal") is { } m ? long.Parse(m.Split(' ')[0], CultureInfo.InvariantCulture) : 0;
        await using var connection = await db.OpenConnectionAsync();
        return new Dictionary<string, object>
        {
            ["cores"] = Environment.ProcessorCount,
            ["memoryGb"] = Math.Round(memKb / 1024.0 / 1024.0, 1),
            ["cpuModel"] = Field("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            ["os"] = Field("/etc/os-release", "PRETTY_NAME") ?? RuntimeInformation.OSDescription,
            ["kernel"] = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["postgres"] = connection.PostgreSqlVersion.ToString(),
            ["loadGenerator"] = "wrk 4.1.0",
        };
    }

    private static string Markdown(BenchOptions o, Dictionary<string, object> machine, long cases, Dictionary<string, Metric> metrics,
        List<(long Cases, Dictionary<string, Metric> Metrics)> stages)
    {
        static string N(double? x) => x is { } v ? v.ToString(v >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture) : "–";
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark: {cases:N0} cases");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{o.Command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {string.Join(", ", machine.Select(m => $"{m.Key}: {m.Value}"))}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Measurement windows {o.Duration.TotalSeconds:0} s after warm-up windows of {o.WarmUp.TotalSeconds:0} s (under wrk: until two in a row agree within 5 %, at most 8), medians of {o.Repetitions}, {o.Connections} concurrent connections for the load tests.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Per-key rate limits set for the benchmark's one API key (so that they never throttle the load generator): {o.Limits}.");
        md.AppendLine();
        md.AppendLine("ratio = the service's cost relative to its reference (reference/value for rates, value/reference for times); met when ratio ≤ target (memory: value ≤ target MB).");
        md.AppendLine();
        md.AppendLine("| metric | service | reference | ratio | target | met | what |");
        md.AppendLine("|---|---:|---:|---:|---:|:-:|---|");
        foreach (var (name, m) in metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {N(m.Value)} {m.Unit} | {N(m.Reference)} | {N(m.Ratio)} | {N(m.Target)} | {(m.Met ? "yes" : "**no**")} | {m.Note} |");
        }
        md.AppendLine();
        if (stages.Count == 1)
        {
            md.AppendLine("Growth from 100,000 to 1,000,000 cases: not measured in this run (`--quick` measures 100,000 cases only; the default run measures both).");
        }
        else
        {
            md.AppendLine("Per stage (service / reference):");
            md.AppendLine();
            md.AppendLine($"| metric | {string.Join(" | ", stages.Select(s => s.Cases.ToString("N0", CultureInfo.InvariantCulture)))} |");
            md.AppendLine($"|---|{string.Concat(stages.Select(_ => "---:|"))}");
            // Every metric of any stage: the COPY variants that cost as much as the reference are measured at the first stage only.
            foreach (var name in stages.SelectMany(s => s.Metrics.Keys).Distinct())
            {
                md.AppendLine($"| {name} | {string.Join(" | ", stages.Select(s => s.Metrics.TryGetValue(name, out var m) ? $"{N(m.Value)} / {N(m.Reference)}" : "–"))} |");
            }
        }
        return md.ToString();
    }
}
