using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// List linkage at scale: a list of entries (10,000 at 1,000,000 cases; a hundredth of the stage, at least 100, when
/// smaller) naming the store's own defendants, most upper-cased and some with a typo, uploaded through
/// <c>POST /source-lists/{code}/entries</c> (upsert, blocking, comparison, EM refit, scoring). The reference is the
/// hand-written pg_trgm candidate query on the same data: the entries' folded names copied into a temporary table and
/// joined to the blocker's name index with <c>%</c>, the candidates counted. A first, untimed upload of other entries
/// builds the blocker's index of the cases (linkage_case_keys), which the timed upload and the reference then share.
/// </summary>
internal static class LinkPhase
{
    private const string List = "bench-linkage";

    public static async Task LinkAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, long cases, Dictionary<string, Metric> metrics)
    {
        var count = (int)Math.Clamp(cases / 100, 100, 10_000);
        using (var put = await http.PutAsync($"/api/v1/source-lists/{List}",
            new StringContent("""{"name": "Benchmark list"}""", Encoding.UTF8, "application/json")))
        {
            put.EnsureSuccessStatusCode();
        }
        var warmUp = await EntriesAsync(db, Math.Min(count, 500), seed: 1);
        var indexMs = 0.0;
        await BenchProgram.TimeAsync(() => UploadAsync(http, o, warmUp, "warm"), ms => indexMs = ms);
        BenchProgram.Log($"linkage: first upload (indexes {cases:N0} cases' names) {indexMs / 1000:F1} s");

        var entries = await EntriesAsync(db, count, seed: 2);
        var serviceMs = 0.0;
        var (_, peak) = await memory.MeasureAsync(() => BenchProgram.TimeAsync(() => UploadAsync(http, o, entries, "entry"), ms => serviceMs = ms));
        var referenceMs = await ReferenceAsync(db, entries);
        metrics["link_entries_per_s"] = Metric.Throughput(count / (serviceMs / 1000), count / (referenceMs / 1000), 2, "entries/s",
            $"POST /source-lists/{{code}}/entries with {count:N0} new entries against {cases:N0} cases (upsert, pg_trgm blocking, comparison, EM, " +
            "scoring); reference: the entries' names COPYed into a temporary table and the pg_trgm candidate query (%) over the same " +
            "GIN index; target: at least 0.5 of it");
        metrics["memory_peak_mb_link"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS during the timed upload");
        BenchProgram.Log($"linkage: {count:N0} entries in {serviceMs / 1000:F1} s (reference {referenceMs / 1000:F2} s), peak {peak:F0} MB");
    }

    /// <summary>Entries from a random sample of the store's cases: a defendant's name, upper-cased or with a letter dropped, and the charge date.</summary>
    private static async Task<List<(string Names, string? Date)>> EntriesAsync(NpgsqlDataSource db, int count, int seed)
    {
        var rng = new Random(seed);
        var found = new List<(string, string?)>(count);
        await using var connection = await db.OpenConnectionAsync();
        // A random sample: sorting the store by random() costs about a second at 1,000,000 cases, untimed.
        await using var command = new NpgsqlCommand(
            "SELECT defendants[1], charged_on::text FROM cases WHERE cardinality(defendants) > 0 ORDER BY random() LIMIT $1", connection);
        command.Parameters.AddWithValue(count);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) found.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        return [.. found.Select(f => (rng.Next(10) switch
        {
            0 => f.Item1.Remove(rng.Next(f.Item1.Length), 1),
            < 6 => f.Item1.ToUpperInvariant(),
            _ => f.Item1,
        }, f.Item2))];
    }

    private static async Task<int> UploadAsync(HttpClient http, BenchOptions o, List<(string Names, string? Date)> entries, string prefix)
    {
        var csv = new StringBuilder("id,names,date\r\n");
        for (var i = 0; i < entries.Count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{prefix}-{i},\"{entries[i].Names.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{entries[i].Date}\r\n");
        }
        var file = Path.Combine(o.WorkDir, $"linkage-{prefix}.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        using var report = await BenchProgram.PostFileAsync(http, $"/api/v1/source-lists/{List}/entries?reference=id&names=names&date=date", file, "text/csv");
        return report.RootElement.GetProperty("received").GetInt32();
    }

    /// <summary>The reference: the same names, folded the simple way (lower case, letters and spaces), through the candidate join.</summary>
    private static async Task<double> ReferenceAsync(NpgsqlDataSource db, List<(string Names, string? Date)> entries)
    {
        await using var connection = await db.OpenConnectionAsync();
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await connection.BeginTransactionAsync();
        await SqlLoad.ReadAllAsync(connection, "CREATE TEMP TABLE reference_keys (entry int, value text) ON COMMIT DROP");
        await using (var copy = await connection.BeginBinaryImportAsync("COPY reference_keys (entry, value) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(new string([.. entries[i].Names.ToLowerInvariant().Select(c => char.IsLetter(c) ? c : ' ')]).Trim(),
                    NpgsqlTypes.NpgsqlDbType.Text);
            }
            await copy.CompleteAsync();
        }
        await SqlLoad.ReadAllAsync(connection, "ANALYZE reference_keys");
        await SqlLoad.ReadAllAsync(connection, """
            SELECT k.entry, c.case_id FROM reference_keys k JOIN linkage_case_keys c ON c.kind = 'n' AND c.value % k.value
            """);
        await transaction.RollbackAsync();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
