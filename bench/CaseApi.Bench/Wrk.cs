using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CaseApi.Bench;

/// <summary>Runs wrk (a real HTTP load generator, outside this process) and reads its summary.</summary>
internal static partial class Wrk
{
    public sealed record Result(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors);

    /// <summary>
    /// wrk against the service, or against <paramref name="baseUrl"/> (the Node.js comparison) when given, with any extra
    /// <paramref name="headers"/> ("Name: value"). wrk counts only statuses of 400 and above as errors, so 304s are answers.
    /// </summary>
    public static async Task<Result> RunAsync(
        BenchOptions o, string path, TimeSpan duration, string? script = null, string[]? scriptArgs = null, string? baseUrl = null,
        string[]? headers = null)
    {
        var args = new List<string>
        {
            "-t", o.WrkThreads.ToString(CultureInfo.InvariantCulture), "-c", o.Connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "10s", "--latency", "-H", $"X-Api-Key: {o.ApiKey}",
        };
        foreach (var header in headers ?? []) args.AddRange(["-H", header]);
        if (script is not null) args.AddRange(["-s", script]);
        args.Add((baseUrl ?? o.BaseUrl) + path);
        if (scriptArgs is { Length: > 0 }) args.AddRange(["--", .. scriptArgs]);

        using var process = Process.Start(new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || RequestsPerSecond().Match(output) is not { Success: true } rps)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output}{await process.StandardError.ReadToEndAsync()}");
        }
        var errors = Non2xx().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (SocketErrors().Match(output) is { Success: true } s)
        {
            errors += s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture));
        }
        return new Result(double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture), Percentile(output, "50"), Percentile(output, "99"), errors);
    }

    private static double Percentile(string output, string p)
    {
        var m = Regex.Match(output, $@"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
        if (!m.Success) return double.NaN;
        var x = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => x / 1000, "ms" => x, "s" => x * 1000, _ => x * 60_000 };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
