using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// Reads of the past and the change feed (issue 35). First the history is populated: every case is edited in
/// <see cref="EditRounds"/> set-based rounds (commits of a chunk of cases each), so that with its import each case has
/// several history entries. Then, each against the same read of the current store in the same run:
/// release= reads (get-by-id, the first list page, the summary, a grouped statistic; cold = the first read of a release,
/// warm = cached per release), asOf= get-by-id at a position between the edit rounds, asOf= lists and statistics (bulk
/// work, reported), and catching up with the change feed from position 0 against the NDJSON export.
/// </summary>
internal static class HistoryPhase
{
    private const int EditRounds = 2;
    private const int FeedPage = 1000;

    private static readonly (string Name, string Path)[] Reads =
    [
        ("list_first_page", Phases.ListPath),
        ("stats_summary", "/api/v1/stats/summary"),
        ("stats_group_by_sector_year", "/api/v1/stats/cases?groupBy=sector,year"),
    ];

    public static async Task HistoryAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, long cases, Dictionary<string, Metric> metrics)
    {
        var (_, peak) = await memory.MeasureAsync(async () =>
        {
            var asOf = await PopulateAsync(db, cases, metrics);
            var edit = await Phases.EditorAsync(db, http);
            var releases = await TakeReleasesAsync(o, db, http, edit, cases, metrics);
            await GetByIdAsync(o, db, releases[0], asOf, metrics);
            await ColdAndWarmAsync(o, http, memory, edit, releases, metrics);
            await AsOfBulkAsync(http, edit, asOf, metrics);
            await ChangesAsync(http, cases, metrics);
            return 0;
        });
        metrics["memory_peak_mb_history"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS during the history phase (releases, asOf, the change feed)");
    }

    /// <summary>Edits every case <see cref="EditRounds"/> times, in commits of at most 50,000 cases; returns the position between the rounds.</summary>
    private static async Task<long> PopulateAsync(NpgsqlDataSource db, long cases, Dictionary<string, Metric> metrics)
    {
        await using var connection = await db.OpenConnectionAsync();
        var chunks = (int)Math.Max(1, (cases + 49_999) / 50_000);
        long between = 0;
        var started = Stopwatch.GetTimestamp();
        for (var round = 1; round <= EditRounds; round++)
        {
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                // A real change to every row (its update time), so each round is one more history entry per case.
                await SqlLoad.ReadAllAsync(connection,
                    $"UPDATE cases SET updated_at = updated_at + interval '1 second' WHERE abs(hashtext(id::text)) % {chunks} = {chunk}");
            }
            if (round == 1) between = await PositionAsync(connection);
        }
        await SqlLoad.ReadAllAsync(connection, "VACUUM ANALYZE cases");
        BenchProgram.Log($"history: {EditRounds} edit rounds of {cases:N0} cases in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE entity = 'case'), count(*), pg_total_relation_size('history_entries') FROM history_entries", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (caseEntries, entries, bytes) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        metrics["history_case_entries"] = Metric.Time(caseEntries, cases, null, "entries",
            $"history entries of cases (value) against cases (reference): ratio = entries per case; the history holds {entries:N0} entries " +
            $"in all (audit rows, reference data), {bytes / 1048576.0:N0} MB with its indexes");
        return between;
    }

    /// <summary>
    /// Takes as many releases as there are repetitions, each after an edit (so each names its own position, and its first
    /// read is cold); the time of POST /releases includes building its map.
    /// </summary>
    private static async Task<List<string>> TakeReleasesAsync(
        BenchOptions o, NpgsqlDataSource db, HttpClient http, Func<Task> edit, long cases, Dictionary<string, Metric> metrics)
    {
        var names = new List<string>();
        var times = new List<double>();
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        for (var i = 0; i < Math.Max(3, o.Repetitions); i++)
        {
            await edit();
            var name = $"bench-{cases}-{stamp}-{i}";
            using var body = new StringContent($$"""{"name": "{{name}}", "description": "Benchmark release {{i}}."}""", Encoding.UTF8, "application/json");
            using var response = await BenchProgram.TimeAsync(() => http.PostAsync("/api/v1/releases", body), times.Add);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST /api/v1/releases answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            names.Add(name);
        }
        double mapMb;
        await using (var connection = await db.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand(
            "SELECT pg_total_relation_size('release_cases')::float8 / greatest((SELECT count(*) FROM release_maps), 1) / 1048576", connection))
        {
            mapMb = (double)(await command.ExecuteScalarAsync())!;
        }
        metrics["release_take_ms"] = Metric.Time(BenchProgram.Median(times), null, null, "ms",
            $"POST /releases at {cases:N0} cases, building the release's map (each case to its history entry), median of {times.Count}");
        metrics["release_map_mb"] = Metric.Time(mapMb, null, null, "MB", "disk of one release's map (release_cases, its index included)");
        BenchProgram.Log($"history: {names.Count} releases, {string.Join(", ", times.Select(t => t.ToString("N0", CultureInfo.InvariantCulture)))} ms; " +
            $"map {mapMb:N1} MB each");
        return names;
    }

    /// <summary>GET /cases/{id} with release= and asOf= against the same ids of the current store, wrk runs alternating.</summary>
    private static async Task GetByIdAsync(BenchOptions o, NpgsqlDataSource db, string release, long asOf, Dictionary<string, Metric> metrics)
    {
        var (_, idsFile) = await Phases.RandomIdsAsync(o, db, "history-ids.txt");
        var script = Path.Combine(o.WrkDir, "random-id.lua");
        Func<TimeSpan, Task<Wrk.Result>> Reader(string suffix) => window => Wrk.RunAsync(o, "/", window, script, [idsFile, "/api/v1/cases/", suffix]);
        var (current, released, past) = (Reader(""), Reader($"?release={release}"), Reader($"?asOf={asOf}"));

        await Phases.WarmUpAsync(o, current);
        await Phases.WarmUpAsync(o, released);
        await Phases.WarmUpAsync(o, past);
        var runs = (Current: new List<Wrk.Result>(), Release: new List<Wrk.Result>(), AsOf: new List<Wrk.Result>());
        for (var i = 0; i < Math.Max(3, o.Repetitions); i++)
        {
            runs.Current.Add(await current(o.Duration));
            runs.Release.Add(await released(o.Duration));
            runs.AsOf.Add(await past(o.Duration));
        }
        Phases.EnsureNoErrors(runs.Current, "GET /cases/{id}");
        Phases.EnsureNoErrors(runs.Release, "GET /cases/{id}?release=");
        Phases.EnsureNoErrors(runs.AsOf, "GET /cases/{id}?asOf=");
        var reference = "reference: GET /cases/{id} of the current store, same ids, wrk run right before; ratio: the median of the pairs' ratios";
        metrics["release_get_by_id_rps"] = Metric.PairedThroughput([.. runs.Release.Select(r => r.RequestsPerSecond)],
            [.. runs.Current.Select(r => r.RequestsPerSecond)], 2, "req/s",
            $"GET /cases/{{id}}?release=, wrk {o.Connections} connections, random ids; {reference}; target: at least 0.5 of it");
        metrics["asof_get_by_id_rps"] = Metric.PairedThroughput([.. runs.AsOf.Select(r => r.RequestsPerSecond)],
            [.. runs.Current.Select(r => r.RequestsPerSecond)], 2, "req/s",
            $"GET /cases/{{id}}?asOf=p (p between two edits of every case), wrk {o.Connections} connections; {reference}; target: at least 0.5 of it");
        metrics["history_get_by_id_p50_ms"] = Metric.Time(BenchProgram.Median(runs.Current.Select(r => r.P50Ms)), null, null, "ms",
            "GET /cases/{id} of the current store in this phase: the yardstick of the warm release reads");
        BenchProgram.Log($"history get by id: current {metrics["release_get_by_id_rps"].Reference}, release {metrics["release_get_by_id_rps"].Value}, " +
            $"asOf {metrics["asof_get_by_id_rps"].Value} req/s");
    }

    /// <summary>
    /// Cold: the first read of each release, right after the same read of the current store just after an edit (computed
    /// afresh too); warm: wrk on the first release's answer, p50 against get-by-id's.
    /// </summary>
    private static async Task ColdAndWarmAsync(
        BenchOptions o, HttpClient http, MemorySampler memory, Func<Task> edit, List<string> releases, Dictionary<string, Metric> metrics)
    {
        var byIdP50 = metrics["history_get_by_id_p50_ms"].Value;
        foreach (var (name, path) in Reads)
        {
            var (service, reference) = (new List<double>(), new List<double>());
            foreach (var release in releases)
            {
                await edit();
                await BenchProgram.TimeAsync(() => ReadAsync(http, path), reference.Add);
                await BenchProgram.TimeAsync(() => ReadAsync(http, With(path, $"release={release}")), service.Add);
            }
            metrics[$"release_{name}_cold_ms"] = Metric.PairedTime(service, reference, 3, "ms",
                $"GET {With(path, "release=…")}, the first read of each of {releases.Count} releases; reference: GET {path} just after an edit " +
                "(computed afresh), right before; ratio: the median of the pairs' ratios; target: at most 3x");
            var (warm, _) = await Phases.LoadAsync(o, memory, With(path, $"release={releases[0]}"));
            metrics[$"release_{name}_warm_p50_ms"] = Metric.Time(BenchProgram.Median(warm.Select(r => r.P50Ms)), byIdP50, 3, "ms",
                $"GET {With(path, "release=…")} again (cached per release), wrk {o.Connections} connections; reference: GET /cases/{{id}} p50 " +
                "of this phase; target: at most 3x");
            BenchProgram.Log($"release {name}: cold {metrics[$"release_{name}_cold_ms"].Value} ms (current {metrics[$"release_{name}_cold_ms"].Reference}), " +
                $"warm p50 {metrics[$"release_{name}_warm_p50_ms"].Value} ms");
        }
    }

    /// <summary>asOf= lists and statistics at an arbitrary position rebuild the cases from the history: one read each, reported.</summary>
    private static async Task AsOfBulkAsync(HttpClient http, Func<Task> edit, long asOf, Dictionary<string, Metric> metrics)
    {
        foreach (var (name, path) in Reads)
        {
            await edit();
            double current = 0, past = 0;
            await BenchProgram.TimeAsync(() => ReadAsync(http, path), ms => current = ms);
            var ok = await BenchProgram.TimeAsync(() => ReadAsync(http, With(path, $"asOf={asOf}"), mustSucceed: false), ms => past = ms);
            metrics[$"asof_{name}_cold_ms"] = Metric.Time(ok ? past : null, current, null, "ms",
                $"GET {With(path, "asOf=p")} at a position between two edits of every case (rebuilt from the history: bulk work), one read; " +
                $"reference: GET {path} just after an edit; reported{(ok ? "" : "; the read failed (timeout)")}");
            BenchProgram.Log($"asOf {name}: {(ok ? $"{past:N0} ms" : "failed")} (current {current:N0} ms)");
        }
    }

    /// <summary>Catching up with GET /changes from position 0 at the largest page against the NDJSON export of the current store.</summary>
    private static async Task ChangesAsync(HttpClient http, long cases, Dictionary<string, Metric> metrics)
    {
        var buffer = new byte[1 << 16];
        async Task<double> ExportMsAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync("/api/v1/cases/export?format=ndjson", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            while (await body.ReadAsync(buffer) > 0) { }
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        var before = await ExportMsAsync();
        var (rows, pages) = (0L, 0);
        string? cursor = null;
        var feed = Stopwatch.GetTimestamp();
        while (true)
        {
            var page = await http.GetByteArrayAsync($"/api/v1/changes?limit={FeedPage}" + (cursor is null ? "" : $"&after={Uri.EscapeDataString(cursor)}"));
            pages++;
            var items = Count(page, "{\"position\":"u8);
            if (items == 0) break;
            rows += items;
            cursor = NextCursor(page);
        }
        var feedMs = Stopwatch.GetElapsedTime(feed).TotalMilliseconds;
        var after = await ExportMsAsync();
        var exportRate = cases / ((before + after) / 2 / 1000);
        metrics["changes_catch_up_rows_per_s"] = Metric.Throughput(rows / (feedMs / 1000), exportRate, 2, "rows/s",
            $"GET /changes?limit={FeedPage} from position 0, following nextCursor to the end ({rows:N0} changes in {pages:N0} pages); " +
            "reference: GET /cases/export?format=ndjson rows/s, the mean of one export before and one after; target: at least 0.5 of it");
        BenchProgram.Log($"changes: {rows:N0} in {feedMs / 1000:F1} s = {rows / (feedMs / 1000):N0} rows/s; export {exportRate:N0} rows/s");
    }

    private static async Task<bool> ReadAsync(HttpClient http, string path, bool mustSucceed = true)
    {
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode && mustSucceed) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}.");
        return response.IsSuccessStatusCode;
    }

    private static string With(string path, string query) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    private static async Task<long> PositionAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT position FROM history_clock", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int Count(ReadOnlySpan<byte> text, ReadOnlySpan<byte> what)
    {
        var n = 0;
        for (int at; (at = text.IndexOf(what)) >= 0; text = text[(at + what.Length)..]) n++;
        return n;
    }

    private static string NextCursor(ReadOnlySpan<byte> page)
    {
        ReadOnlySpan<byte> key = "\"nextCursor\":\""u8;
        var rest = page[(page.LastIndexOf(key) + key.Length)..];
        return Encoding.UTF8.GetString(rest[..rest.IndexOf((byte)'"')]);
    }
}
