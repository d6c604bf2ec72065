using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// The measurements. Each pairs a service path with its reference in the same run, on the same database, at the
/// same concurrency, and takes the median of several repetitions after a warm-up, because the machine is shared.
/// </summary>
internal static class Phases
{
    private const string ReferenceTable = "bench_copy_reference";

    // "Import alone ≥ 0.5 × binary COPY into the indexed table" as a largest cost ratio.
    private const double ImportTarget = 2;

    // What the index maintenance of an import costs: the same rows by binary COPY into tables that differ from the
    // indexed reference in one thing each. Each table, like the reference, holds as many rows as cases.
    private static readonly (string Metric, string Table, string Setup, string? Session, string Note)[] CopyVariants =
    [
        ("copy_indexed_vs_unindexed_rows_per_s", "bench_copy_unindexed",
            "CREATE TABLE IF NOT EXISTS bench_copy_unindexed (LIKE cases INCLUDING DEFAULTS INCLUDING GENERATED)", null,
            "binary COPY into the indexed table (value) against a table LIKE cases without any index or constraint (reference, the physical " +
            "limit); ratio = how many times slower the indexes make a COPY"),
        ("copy_indexed_vs_no_fulltext_index_rows_per_s", "bench_copy_no_fts",
            EachIndex("bench_copy_no_fts", "%search_vector%", "DROP INDEX %I"), null,
            "the same against every index but the full-text (search_vector) GIN index; ratio = the weight of that one index"),
        ("copy_indexed_vs_gin_pending_64mb_rows_per_s", "bench_copy_gin_pending",
            "CREATE TABLE IF NOT EXISTS bench_copy_gin_pending (LIKE cases INCLUDING ALL)", "SET gin_pending_list_limit = '64MB'",
            "the same, all indexes, with gin_pending_list_limit = 64MB for the COPY's session (default 4MB); ratio > 1 = the setting helps"),
        ("copy_indexed_vs_gin_fastupdate_off_rows_per_s", "bench_copy_gin_direct",
            EachIndex("bench_copy_gin_direct", "%USING gin%", "ALTER INDEX %I SET (fastupdate = off)"), null,
            "the same, all indexes, GIN fastupdate off (every row goes straight into the GIN trees); ratio > 1 = the setting helps"),
    ];

    // What the service's GET /cases/{id} issues (EF's projection of CaseResponse), written out by hand.
    private const string CaseColumns =
        "c.id, c.slug, c.title, c.summary, c.activity_types, c.tradecraft, c.sponsor_code, c.sponsor_confidence, " +
        "c.collector_type, c.collector_citizenship, c.defendants, c.sectors, c.victim_types, c.victims, c.us_states, c.venue, " +
        "c.activity_start, c.activity_start_precision, c.activity_end, c.activity_end_precision, c.charged_on, " +
        "c.charged_on_precision, c.resolved_on, c.resolved_on_precision, c.outcome, c.sentence_months, c.fine_usd, c.loss_usd, " +
        "c.sources, c.tags, c.listed_in, cardinality(aligned_policies(c.sectors)) > 0, aligned_policies(c.sectors), " +
        "c.created_at, c.updated_at, c.xmin";

    private const string GetByIdSql = $"SELECT {CaseColumns} FROM cases AS c WHERE c.id = $1 LIMIT 2";

    // The list page: two filters, newest charge first, one page plus the exact total the API returns by default.
    private const string ListPath = "/api/v1/cases?sector=aerospace&outcome=convicted&limit=50";
    private const string ListSql =
        $"SELECT {CaseColumns} FROM cases AS c WHERE c.sectors && ARRAY['aerospace'] AND c.outcome = 'convicted' " +
        "ORDER BY c.charged_on DESC NULLS LAST, c.id LIMIT 51; " +
        "SELECT count(*) FROM cases AS c WHERE c.sectors && ARRAY['aerospace'] AND c.outcome = 'convicted'";

    // The same numbers as GET /stats/cases?groupBy=sector,year, as one would write them by hand.
    private const string GroupBySql =
        "SELECT count(*) FROM cases; " +
        "SELECT s.sector, extract(year FROM c.charged_on)::int AS year, count(*) AS n " +
        "FROM cases AS c CROSS JOIN LATERAL unnest(c.sectors) AS s(sector) GROUP BY 1, 2 ORDER BY n DESC, 1, 2";

    // The same numbers as GET /stats/summary: totals, alignment, top sectors, the breakdowns and the year range.
    private const string SummarySql =
        "SELECT count(*), count(*) FILTER (WHERE c.sectors && ARRAY(SELECT sector_code::text FROM policy_document_sectors)), " +
        "min(extract(year FROM c.charged_on)), max(extract(year FROM c.charged_on)) FROM cases AS c; " +
        "SELECT s, count(*) FROM cases AS c, unnest(c.sectors) AS s GROUP BY s ORDER BY 2 DESC, 1 LIMIT 10; " +
        "SELECT sp.type, count(*) FROM cases AS c LEFT JOIN sponsors AS sp ON sp.code = c.sponsor_code GROUP BY 1 ORDER BY 2 DESC; " +
        "SELECT c.collector_type, count(*) FROM cases AS c GROUP BY 1 ORDER BY 2 DESC; " +
        "SELECT a, count(*) FROM cases AS c, unnest(c.activity_types) AS a GROUP BY 1 ORDER BY 2 DESC; " +
        "SELECT c.outcome, count(*) FROM cases AS c GROUP BY 1 ORDER BY 2 DESC";

    // Every stored field of every case plus its alignment, in the export's order (by slug).
    private const string ExportSql = $"COPY (SELECT {CaseColumns} FROM cases AS c ORDER BY c.slug) TO STDOUT (FORMAT csv)";

    // A copy of cases with all its indexes, then one statement run on each index whose definition matches.
    private static string EachIndex(string table, string definition, string statement) => $"""
        CREATE TABLE IF NOT EXISTS {table} (LIKE cases INCLUDING ALL);
        DO $$ DECLARE i text; BEGIN
          FOR i IN SELECT indexname FROM pg_indexes WHERE tablename = '{table}' AND indexdef LIKE '{definition}' LOOP
            EXECUTE format('{statement}', i);
          END LOOP;
        END $$
        """;

    /// <summary>
    /// Import rows/s against a raw binary COPY of the same rows. The reference goes into a scratch table made
    /// LIKE cases INCLUDING ALL (same generated search vector, same GIN and B-tree indexes, plus the sponsor
    /// foreign key) holding as many rows as cases does, so both writes pay the same index maintenance.
    /// </summary>
    public static async Task ImportAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, List<DataFiles.Chunk> chunks, Dictionary<string, Metric> metrics)
    {
        var rows = chunks.Sum(c => c.Rows);
        await using (var connection = await db.OpenConnectionAsync())
        {
            await SqlLoad.ReadAllAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {ReferenceTable} (LIKE cases INCLUDING ALL);
                ALTER TABLE {ReferenceTable} DROP CONSTRAINT IF EXISTS {ReferenceTable}_sponsor_fk;
                ALTER TABLE {ReferenceTable} ADD CONSTRAINT {ReferenceTable}_sponsor_fk FOREIGN KEY (sponsor_code) REFERENCES sponsors (code)
                """);
        }

        bool imported;
        var now = DateTimeOffset.UtcNow;
        async Task<double> CopyRateAsync(string table, string? session)
        {
            var copyMs = 0.0;
            foreach (var chunk in chunks)
            {
                var cases = Enumerable.Range(0, (int)chunk.Rows).Select(i => CaseGenerator.Generate(chunk.From + i)).ToList();
                await using var connection = await db.OpenConnectionAsync();
                if (session is not null) await SqlLoad.ReadAllAsync(connection, session);
                await BenchProgram.TimeAsync(() => CaseCopy.WriteAsync(connection, table, cases, now), ms => copyMs += ms);
                if (session is not null) await SqlLoad.ReadAllAsync(connection, "RESET ALL");
            }
            var rate = rows / (copyMs / 1000);
            var setting = session is null ? "" : $" ({session})";
            BenchProgram.Log($"COPY into {table}{setting}: {rows:N0} rows in {copyMs / 1000:F1} s = {rate:N0} rows/s");
            return rate;
        }
        // Warm the generator and the driver's COPY path (JIT) first, so that the table measured first is not slower for that alone.
        await using (var connection = await db.OpenConnectionAsync())
        {
            await SqlLoad.ReadAllAsync(connection,
                "CREATE TEMP TABLE IF NOT EXISTS bench_copy_warmup (LIKE cases INCLUDING DEFAULTS INCLUDING GENERATED)");
            await CaseCopy.WriteAsync(connection, "bench_copy_warmup", [.. Enumerable.Range(0, 500).Select(i => CaseGenerator.Generate(i))], now);
        }
        var copyRate = await CopyRateAsync(ReferenceTable, null);
        foreach (var (metric, table, setup, session, note) in CopyVariants)
        {
            await using (var connection = await db.OpenConnectionAsync())
            {
                await SqlLoad.ReadAllAsync(connection, setup);
            }
            metrics[metric] = Metric.Throughput(copyRate, await CopyRateAsync(table, session), null, "rows/s", note);
        }

        var importMs = 0.0;
        using (var probe = await http.GetAsync("/api/v1/imports"))
        {
            imported = probe.IsSuccessStatusCode;
        }
        var (_, importPeak) = await memory.MeasureAsync(async () =>
        {
            foreach (var chunk in chunks.Where(_ => imported))
            {
                using var report = await BenchProgram.TimeAsync(
                    () => BenchProgram.PostFileAsync(http, "/api/v1/imports?mode=insert", chunk.CsvPath, "text/csv"), ms => importMs += ms);
                var created = report.RootElement.GetProperty("created").GetInt64();
                if (report.RootElement.GetProperty("status").GetString() != "committed" || created != chunk.Rows)
                {
                    throw new InvalidOperationException($"Import of {chunk.CsvPath} was not fully committed: {report.RootElement}");
                }
            }
            return 0;
        });

        if (imported)
        {
            var importRate = rows / (importMs / 1000);
            BenchProgram.Log($"import: {rows:N0} rows in {importMs / 1000:F1} s = {importRate:N0} rows/s");
            metrics["import_csv_rows_per_s"] = Metric.Throughput(importRate, copyRate, ImportTarget, "rows/s",
                $"POST /api/v1/imports?mode=insert, text/csv, {o.ChunkRows:N0} rows a request, validation and audit included; reference: binary COPY into a table LIKE cases");
            metrics["memory_peak_mb_import"] = Metric.Ceiling(importPeak, 300, "MB", "service peak RSS during the import");
        }
        else
        {
            // Without the import endpoint the later phases still need data: load it the reference way and say so.
            BenchProgram.Log("GET /api/v1/imports is not there: loading the cases by COPY instead; import not measured");
            foreach (var chunk in chunks)
            {
                var cases = Enumerable.Range(0, (int)chunk.Rows).Select(i => CaseGenerator.Generate(chunk.From + i)).ToList();
                await using var connection = await db.OpenConnectionAsync();
                await CaseCopy.WriteAsync(connection, "cases", cases, now);
            }
            metrics["import_csv_rows_per_s"] = Metric.Throughput(null, copyRate, ImportTarget, "rows/s", "not measured: POST /api/v1/imports is not in this build");
        }
    }

    /// <summary>GET /cases/{id} with wrk over random ids, against the same SELECT through Npgsql at the same concurrency.</summary>
    public static async Task GetByIdAsync(BenchOptions o, NpgsqlDataSource db, NpgsqlDataSource prepared, MemorySampler memory, Dictionary<string, Metric> metrics)
    {
        var ids = new List<Guid>();
        await using (var connection = await db.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("SELECT id FROM cases ORDER BY random() LIMIT 100000", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        }
        var idsFile = Path.Combine(o.WorkDir, "ids.txt");
        await File.WriteAllLinesAsync(idsFile, ids.Select(id => id.ToString()));
        var script = Path.Combine(o.WrkDir, "random-id.lua");

        (string, object[]) Lookup(Random rng) => (GetByIdSql, [ids[rng.Next(ids.Count)]]);
        Task<Wrk.Result> Service(TimeSpan duration) => Wrk.RunAsync(o, "/", duration, script, [idsFile, "/api/v1/cases/"]);
        // The Node.js auto-REST layer's own route for the same row (Platformatic DB maps the table to /cases/{id}).
        Task<Wrk.Result> Node(TimeSpan duration) => Wrk.RunAsync(o, "/", duration, script, [idsFile, "/cases/"], o.NodeUrl);

        await Service(o.WarmUp);
        await SqlLoad.RunAsync(db, o.Connections, o.WarmUp, Lookup);
        await SqlLoad.RunAsync(prepared, o.Connections, o.WarmUp, Lookup);
        if (o.NodeUrl is not null) await Node(o.WarmUp);
        var sql = new List<SqlLoad.Result>();
        var sqlPrepared = new List<SqlLoad.Result>();
        var node = new List<Wrk.Result>();
        // Service and reference runs alternate, so a burst of load from elsewhere on the machine hits both alike.
        var (api, peak) = await memory.MeasureAsync(async () =>
        {
            var runs = new List<Wrk.Result>();
            for (var i = 0; i < o.Repetitions; i++)
            {
                runs.Add(await Service(o.Duration));
                sql.Add(await SqlLoad.RunAsync(db, o.Connections, o.Duration, Lookup));
                sqlPrepared.Add(await SqlLoad.RunAsync(prepared, o.Connections, o.Duration, Lookup));
                if (o.NodeUrl is not null) node.Add(await Node(o.Duration));
            }
            return runs;
        });
        EnsureNoErrors(api, "GET /api/v1/cases/{id}");

        var apiRps = BenchProgram.Median(api.Select(r => r.RequestsPerSecond));
        var sqlRps = BenchProgram.Median(sql.Select(r => r.PerSecond));
        var preparedRps = BenchProgram.Median(sqlPrepared.Select(r => r.PerSecond));
        BenchProgram.Log($"get by id: api {apiRps:N0} req/s (runs {string.Join(", ", api.Select(r => r.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))}), " +
            $"sql {sqlRps:N0} /s, prepared sql {preparedRps:N0} /s");
        metrics["get_by_id_rps"] = Metric.Throughput(apiRps, sqlRps, 2, "req/s",
            $"wrk, {o.Connections} connections, random ids; reference: the same SELECT through Npgsql (default settings) from {o.Connections} connections");
        metrics["get_by_id_vs_prepared_sql_rps"] = Metric.Throughput(apiRps, preparedRps, 1 / 0.7, "req/s",
            "the same; reference: the same SELECT prepared (Max Auto Prepare), the fastest way through the driver; target: at least 0.7 of it");
        metrics["get_by_id_p50_ms"] = Metric.Time(
            BenchProgram.Median(api.Select(r => r.P50Ms)), BenchProgram.Median(sqlPrepared.Select(r => r.P50Ms)), null, "ms",
            "the same runs' median latency; reference: the prepared SELECT's; the yardstick of the list and polling targets");
        if (o.NodeUrl is not null)
        {
            EnsureNoErrors(node, $"{o.NodeLabel} GET /cases/{{id}}");
            var nodeRps = BenchProgram.Median(node.Select(r => r.RequestsPerSecond));
            BenchProgram.Log($"get by id: {o.NodeLabel} {nodeRps:N0} req/s");
            // docs/design.md: at least as many requests/s as the leading Node.js auto-REST layers; ratio = theirs / ours.
            metrics["get_by_id_vs_node_rest_rps"] = Metric.Throughput(apiRps, nodeRps, 1, "req/s",
                $"the same; reference: {o.NodeLabel} serving GET /cases/{{id}} from the same database (its own route and JSON), " +
                "same wrk script and connections; met when the service serves at least as many");
        }
        metrics["memory_peak_mb_get_by_id"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS under the get-by-id load");
    }

    /// <summary>
    /// A filtered list page (two filters, limit=50) under load, first with the default count (an estimate for a result
    /// this large), then with count=exact against the page and its count written by hand.
    /// </summary>
    public static async Task ListPageAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, Dictionary<string, Metric> metrics)
    {
        // How far the default's estimate is from the exact count, on the list measured here.
        async Task<double> TotalAsync(string count)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"{ListPath}&count={count}"));
            return page.RootElement.GetProperty("total").GetDouble();
        }
        metrics["list_total_estimate"] = Metric.Time(await TotalAsync("estimate"), await TotalAsync("exact"), null, "cases",
            $"total of GET {ListPath} with count=estimate (value) and count=exact (reference); ratio = how far the planner's estimate is off");
        const string exactPath = ListPath + "&count=exact";
        await Wrk.RunAsync(o, ListPath, o.WarmUp);
        await Wrk.RunAsync(o, exactPath, o.WarmUp);
        var sql = new List<SqlLoad.Result>();
        var exact = new List<Wrk.Result>();
        var (api, peak) = await memory.MeasureAsync(async () =>
        {
            var runs = new List<Wrk.Result>();
            for (var i = 0; i < o.Repetitions; i++)
            {
                runs.Add(await Wrk.RunAsync(o, ListPath, o.Duration));
                exact.Add(await Wrk.RunAsync(o, exactPath, o.Duration));
                sql.Add(await SqlLoad.RunAsync(db, o.Connections, o.Duration, _ => (ListSql, [])));
            }
            return runs;
        });
        EnsureNoErrors(api, ListPath);
        EnsureNoErrors(exact, exactPath);

        var byId = metrics.TryGetValue("get_by_id_p50_ms", out var lookup) ? lookup.Value : null;
        metrics["list_first_page_p50_ms"] = Metric.Time(BenchProgram.Median(api.Select(r => r.P50Ms)), byId, 3, "ms",
            $"GET {ListPath} (default count), wrk {o.Connections} connections; reference: GET /cases/{{id}} p50 of this run; target: at most 3x");
        var note = $"GET {exactPath}, wrk {o.Connections} connections; reference: the page and its count by hand through Npgsql, same concurrency";
        metrics["list_page_count_exact_p50_ms"] = Metric.Time(
            BenchProgram.Median(exact.Select(r => r.P50Ms)), BenchProgram.Median(sql.Select(r => r.P50Ms)), 1.0, "ms", note + "; target: at most 1x");
        metrics["list_page_count_exact_p99_ms"] = Metric.Time(
            BenchProgram.Median(exact.Select(r => r.P99Ms)), BenchProgram.Median(sql.Select(r => r.P99Ms)), null, "ms", note);
        var defaultNote = $"GET {ListPath} (default count), wrk {o.Connections} connections; reference: the page and its exact count by hand";
        metrics["list_page_p99_ms"] = Metric.Time(BenchProgram.Median(api.Select(r => r.P99Ms)), BenchProgram.Median(sql.Select(r => r.P99Ms)), null, "ms", defaultNote);
        metrics["list_page_rps"] = Metric.Throughput(BenchProgram.Median(api.Select(r => r.RequestsPerSecond)), BenchProgram.Median(sql.Select(r => r.PerSecond)), null, "req/s", defaultNote);
        metrics["memory_peak_mb_list"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS under the list-page load");
    }

    /// <summary>Statistics: one request at a time, median time of several, against the hand-written SQL for the same numbers.</summary>
    public static async Task StatisticsAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, Dictionary<string, Metric> metrics)
    {
        var peak = 0.0;
        foreach (var (name, path, sql) in new[]
        {
            ("stats_group_by_sector_year_ms", "/api/v1/stats/cases?groupBy=sector,year", GroupBySql),
            ("stats_summary_ms", "/api/v1/stats/summary", SummarySql),
        })
        {
            var repetitions = Math.Max(5, o.Repetitions);
            var reference = new List<double>();
            await using var connection = await db.OpenConnectionAsync();
            var (api, phasePeak) = await memory.MeasureAsync(async () =>
            {
                var times = new List<double>();
                // Run 0 of each side is the warm-up; then service and reference alternate.
                for (var i = 0; i <= repetitions; i++)
                {
                    using var response = await BenchProgram.TimeAsync(async () =>
                    {
                        var r = await http.GetAsync(path);
                        await r.Content.ReadAsByteArrayAsync();
                        return r;
                    }, ms => { if (i > 0) times.Add(ms); });
                    if ((int)response.StatusCode == 404) return null;
                    response.EnsureSuccessStatusCode();
                    await BenchProgram.TimeAsync(() => SqlLoad.ReadAllAsync(connection, sql), ms => { if (i > 0) reference.Add(ms); });
                }
                return times;
            });
            peak = Math.Max(peak, phasePeak);
            if (reference.Count == 0)
            {
                for (var i = 0; i <= repetitions; i++)
                {
                    await BenchProgram.TimeAsync(() => SqlLoad.ReadAllAsync(connection, sql), ms => { if (i > 0) reference.Add(ms); });
                }
            }
            var note = $"GET {path}, median of {repetitions} after a warm-up; reference: hand-written SQL for the same numbers";
            metrics[name] = api is null
                ? Metric.Time(null, BenchProgram.Median(reference), 1.5, "ms", $"not measured: {path} answered 404 in this build")
                : Metric.Time(BenchProgram.Median(api), BenchProgram.Median(reference), 1.5, "ms", note);
            BenchProgram.Log($"{name}: api {metrics[name].Value} ms, sql {metrics[name].Reference} ms");
        }
        metrics["memory_peak_mb_stats"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS during the statistics requests");
    }

    /// <summary>Export rows/s (NDJSON and CSV, the whole streamed body read) against COPY (SELECT …) TO STDOUT of the same rows.</summary>
    public static async Task ExportAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, long cases, Dictionary<string, Metric> metrics)
    {
        var buffer = new byte[1 << 16];
        var chars = new char[1 << 16];
        var reference = new List<double>();
        var times = new Dictionary<string, List<double>?> { ["ndjson"] = [], ["csv"] = [] };

        async Task CopyOutAsync()
        {
            await using var connection = await db.OpenConnectionAsync();
            using var copy = await connection.BeginTextExportAsync(ExportSql);
            while (await copy.ReadAsync(chars, CancellationToken.None) > 0) { }
        }

        async Task<long> ExportOnceAsync(string format)
        {
            using var response = await http.GetAsync($"/api/v1/cases/export?format={format}", HttpCompletionOption.ResponseHeadersRead);
            if ((int)response.StatusCode is 404 or 405) return -1;
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            long lines = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
            return lines;
        }

        // Reference and service runs alternate, so a burst of load from elsewhere hits both alike.
        var (_, peak) = await memory.MeasureAsync(async () =>
        {
            for (var i = 0; i < o.Repetitions; i++)
            {
                await BenchProgram.TimeAsync(async () => { await CopyOutAsync(); return 0; }, reference.Add);
                foreach (var format in (string[])["ndjson", "csv"])
                {
                    if (times[format] is not { } formatTimes) continue;
                    var lines = await BenchProgram.TimeAsync(() => ExportOnceAsync(format), formatTimes.Add);
                    if (lines < 0) times[format] = null;
                    else if (lines < cases) throw new InvalidOperationException($"The {format} export had {lines} lines for {cases} cases.");
                }
            }
            return 0;
        });

        var referenceRate = cases / (BenchProgram.Median(reference) / 1000);
        foreach (var (format, formatTimes) in times)
        {
            var name = $"export_{format}_rows_per_s";
            metrics[name] = formatTimes is null
                ? Metric.Throughput(null, referenceRate, 2, "rows/s", "not measured: GET /api/v1/cases/export is not in this build")
                : Metric.Throughput(cases / (BenchProgram.Median(formatTimes) / 1000), referenceRate, 2, "rows/s",
                    $"GET /api/v1/cases/export?format={format}, whole body read, median of {o.Repetitions}; reference: COPY (SELECT … ORDER BY slug) TO STDOUT (FORMAT csv)");
            BenchProgram.Log($"{name}: api {metrics[name].Value}, copy {referenceRate:N0}");
        }
        metrics["memory_peak_mb_export"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS while streaming the exports");
    }

    /// <summary>
    /// What users do together: dashboards (8 connections polling the statistics and the first list page) while an admin
    /// imports. Measured alone and together: the dashboards for a fixed time, the import over the same extra rows each
    /// time (removed again afterwards, so that the store keeps its stage size).
    /// </summary>
    public static async Task MixedAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, Dictionary<string, Metric> metrics, long stage)
    {
        string[] dashboard = ["/api/v1/stats/summary", "/api/v1/stats/cases?groupBy=sector,year", ListPath];
        // Numbered far above any stage, so that their slugs sort after every other case and never collide with a stage's.
        const long first = 1_000_000_000;
        // A tenth of the stage (at least half a chunk) in five requests: a continuous import, not one long transaction.
        var rows = Math.Max(o.ChunkRows / 2, stage / 10);
        var chunks = DataFiles.Write(Path.Combine(o.WorkDir, "mixed"), first, first + rows, (int)Math.Max(1, rows / 5));

        async Task<double> ImportAsync()
        {
            var ms = 0.0;
            foreach (var chunk in chunks)
            {
                using var report = await BenchProgram.TimeAsync(
                    () => BenchProgram.PostFileAsync(http, "/api/v1/imports?mode=insert", chunk.CsvPath, "text/csv"), elapsed => ms += elapsed);
            }
            return rows / (ms / 1000);
        }
        async Task RemoveAsync()
        {
            await using var connection = await db.OpenConnectionAsync();
            await SqlLoad.ReadAllAsync(connection, $"DELETE FROM cases WHERE slug >= 'bench-case-{first}'");
            await SqlLoad.ReadAllAsync(connection, "VACUUM ANALYZE cases");
        }

        await HttpLoad.RunAsync(http, o.MixedConnections, dashboard, Task.Delay(o.WarmUp));
        var alone = await HttpLoad.RunAsync(http, o.MixedConnections, dashboard, Task.Delay(o.Duration));
        var importAlone = await ImportAsync();
        await RemoveAsync();
        var import = ImportAsync();
        var mixed = await HttpLoad.RunAsync(http, o.MixedConnections, dashboard, import);
        var importMixed = await import;
        await RemoveAsync();
        if (alone.Errors + mixed.Errors > 0)
        {
            throw new InvalidOperationException($"mixed phase: {alone.Errors + mixed.Errors} dashboard requests failed.");
        }
        BenchProgram.Log($"mixed: import {importAlone:N0} rows/s alone, {importMixed:N0} with dashboards; dashboards p50/p99 {alone.P50Ms:N1}/{alone.P99Ms:N1} ms " +
            $"alone ({alone.Requests} requests), {mixed.P50Ms:N1}/{mixed.P99Ms:N1} ms during the import ({mixed.Requests} requests)");

        var what = $"{rows:N0} extra cases imported in requests of {chunks[0].Rows:N0} rows while {o.MixedConnections} connections poll " +
            "/stats/summary, /stats/cases?groupBy=sector,year and the first list page in turn";
        metrics["mixed_import_rows_per_s"] = Metric.Throughput(importMixed, importAlone, 1 / 0.7, "rows/s",
            $"{what}; reference: the same import with no dashboards; target: at least 0.7 of it");
        metrics["mixed_dashboard_p99_ms"] = Metric.Time(mixed.P99Ms, alone.P99Ms, 5, "ms",
            $"{what}; reference: the same polling for {o.Duration.TotalSeconds:0} s with no import; target: at most 5x");
        metrics["mixed_dashboard_p50_ms"] = Metric.Time(mixed.P50Ms, alone.P50Ms, null, "ms", $"{what}; reference: the same polling with no import");
    }

    private static void EnsureNoErrors(IEnumerable<Wrk.Result> runs, string what)
    {
        var errors = runs.Sum(r => r.Errors);
        if (errors > 0) throw new InvalidOperationException($"{what}: {errors} failed requests under load (non-2xx or socket errors); the numbers would be meaningless.");
    }
}
