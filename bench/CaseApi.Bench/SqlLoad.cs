using System.Diagnostics;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// The reference side of the request benchmarks: the same statements straight through Npgsql, from as many
/// concurrent connections as wrk opens to the service, each reading every column of every row.
/// </summary>
internal static class SqlLoad
{
    public sealed record Result(double PerSecond, double P50Ms, double P99Ms);

    public static async Task<Result> RunAsync(NpgsqlDataSource db, int connections, TimeSpan duration, Func<Random, (string Sql, object[] Parameters)> next)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<double>[connections];
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var rng = new Random(7919 * (w + 1));
            await using var connection = await db.OpenConnectionAsync();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var (sql, parameters) = next(rng);
                var started = Stopwatch.GetTimestamp();
                await ReadAllAsync(connection, sql, parameters);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        var begun = Stopwatch.GetTimestamp();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(begun).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    /// <summary>Runs a statement (or a batch of them) and reads every value of every result set; returns the row count.</summary>
    public static async Task<long> ReadAllAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        var values = new object[256];
        do
        {
            while (await reader.ReadAsync())
            {
                reader.GetValues(values);
                rows++;
            }
        } while (await reader.NextResultAsync());
        return rows;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
