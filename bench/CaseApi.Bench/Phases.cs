using System.Globalization;
using System.Text.Json;
using CaseApi.Store;
using Npgsql;

namespace CaseApi.Bench;

/// <summary>
/// The measurements. Each pairs a service path with its reference in the same run, on the same database, at the
/// same concurrency, and takes the median of several repetitions after a warm-up, because the machine is shared.
/// </summary>
internal static class Phases
{
    private const string ReferenceTable = "bench_copy_reference";

    // "Import alone ≥ 0.5 × binary COPY of the rows it writes" as a largest cost ratio.
    private const double ImportTarget = 2;

    // What the index maintenance of an import costs: the same rows by binary COPY into tables that differ from the
    // indexed reference in one thing each. Each table, like the reference, holds as many rows as cases. They are
    // measured at the first stage only: even the unindexed COPY computes the generated full-text vector of every row, so
    // each costs most of what the reference COPY costs (at 1,000,000 cases 10 to 15 minutes apiece on 2 cores).
    private static readonly (string Metric, string Table, string Setup, string? Session, string Note)[] CopyVariants =
    [
        ("copy_indexed_vs_unindexed_rows_per_s", "bench_copy_unindexed",
            "CREATE TABLE IF NOT EXISTS bench_copy_unindexed (LIKE cases INCLUDING DEFAULTS INCLUDING GENERATED)", null,
            "binary COPY into that plain indexed table (value) against a table LIKE cases without any index or constraint (reference, the " +
            "physical limit); ratio = how many times slower the indexes make a COPY"),
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
        "c.sources, c.tags, c.listed_in, c.list_evidence, cardinality(aligned_policies(c.sectors)) > 0 AS aligned, aligned_policies(c.sectors) AS policies, " +
        "c.created_at, c.updated_at, c.xmin";

    internal const string GetByIdSql = $"SELECT {CaseColumns} FROM cases AS c WHERE c.id = $1 LIMIT 2";

    // The list page: two filters, newest charge first, one page plus the exact total the API returns by default.
    internal const string ListPath = "/api/v1/cases?sector=aerospace&outcome=convicted&limit=50";
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
    /// Import rows/s against a raw binary COPY of the rows it writes, rolled back: the same cases into cases itself (the
    /// store's own table, so the COPY pays what any write to it pays: every index, the foreign keys, the history capture),
    /// and the entities and links their names make (<see cref="EntityRowsCopy"/>); nothing is kept.
    /// At the first stage the same rows also go into a plain copy of the table (LIKE cases INCLUDING ALL: the same
    /// generated search vector and indexes, the sponsor foreign key, no triggers), to show what the history capture costs,
    /// and into the variants that show what each index setting costs.
    /// </summary>
    public static async Task ImportAsync(
        BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, List<DataFiles.Chunk> chunks, bool firstStage, Dictionary<string, Metric> metrics)
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
        var entityRowsMs = 0.0;
        async Task<double> CopyRateAsync(string table, string? session)
        {
            var copyMs = 0.0;
            foreach (var chunk in chunks)
            {
                var cases = Enumerable.Range(0, (int)chunk.Rows).Select(i => CaseGenerator.Generate(chunk.From + i)).ToList();
                await using var connection = await db.OpenConnectionAsync();
                if (session is not null) await SqlLoad.ReadAllAsync(connection, session);
                // Into the store's own table only inside a transaction that is rolled back, untimed.
                await using var transaction = table == "cases" ? await connection.BeginTransactionAsync() : null;
                var ids = new List<Guid>();
                await BenchProgram.TimeAsync(() => CaseCopy.WriteAsync(connection, table, cases, now, ids), ms => copyMs += ms);
                if (transaction is not null)
                {
                    // In the store, the entities and links an import of these cases writes, timed apart (the import's reference).
                    await BenchProgram.TimeAsync(async () =>
                    {
                        await EntityRowsCopy.WriteAsync(connection, cases, ids, now);
                        return 0;
                    }, ms => entityRowsMs += ms);
                    await transaction.RollbackAsync();
                }
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
        var copyRate = await CopyRateAsync("cases", null);
        // What an import of the same rows writes by COPY: the cases, then their entities and links.
        var importRowsRate = rows / ((rows / copyRate * 1000 + entityRowsMs) / 1000);
        BenchProgram.Log($"COPY of their entities and links: {entityRowsMs / 1000:F1} s; with the cases {importRowsRate:N0} rows/s");
        await using (var connection = await db.OpenConnectionAsync())
        {
            // The rolled-back rows are dead tuples in cases and its indexes: gone again before the import writes.
            await SqlLoad.ReadAllAsync(connection, "VACUUM cases");
        }
        if (firstStage)
        {
            var plainRate = await CopyRateAsync(ReferenceTable, null);
            metrics["copy_store_vs_plain_table_rows_per_s"] = Metric.Throughput(copyRate, plainRate, null, "rows/s",
                "binary COPY into cases, rolled back (value), against a table LIKE cases INCLUDING ALL with the sponsor foreign key and no " +
                "triggers (reference); ratio = what the history capture costs a write");
            foreach (var (metric, table, setup, session, note) in CopyVariants)
            {
                await using (var connection = await db.OpenConnectionAsync())
                {
                    await SqlLoad.ReadAllAsync(connection, setup);
                }
                metrics[metric] = Metric.Throughput(plainRate, await CopyRateAsync(table, session), null, "rows/s", note);
            }
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
            metrics["import_csv_rows_per_s"] = Metric.Throughput(importRate, importRowsRate, ImportTarget, "rows/s",
                $"POST /api/v1/imports?mode=insert, text/csv, {o.ChunkRows:N0} rows a request, validation and audit included; " +
                "reference: binary COPY of the rows the import writes, rolled back: the same cases into cases, and the entities their " +
                "names make (one per name) and their links into entities and case_entities");
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
            metrics["import_csv_rows_per_s"] = Metric.Throughput(null, importRowsRate, ImportTarget, "rows/s",
                "not measured: POST /api/v1/imports is not in this build");
        }
    }

    /// <summary>GET /cases/{id} with wrk over random ids, against the same SELECT through Npgsql at the same concurrency.</summary>
    public static async Task GetByIdAsync(BenchOptions o, NpgsqlDataSource db, NpgsqlDataSource prepared, MemorySampler memory, Dictionary<string, Metric> metrics)
    {
        var (ids, idsFile) = await RandomIdsAsync(o, db, "ids.txt");
        var script = Path.Combine(o.WrkDir, "random-id.lua");

        (string, object[]) Lookup(Random rng) => (GetByIdSql, [ids[rng.Next(ids.Count)]]);
        Task<Wrk.Result> Service(TimeSpan duration) => Wrk.RunAsync(o, "/", duration, script, [idsFile, "/api/v1/cases/"]);
        // The Node.js auto-REST layer's own route for the same row (Platformatic DB maps the table to /cases/{id}).
        Task<Wrk.Result> Node(TimeSpan duration) => Wrk.RunAsync(o, "/", duration, script, [idsFile, "/cases/"], o.NodeUrl);

        // The bare endpoint connects with the settings the service gives itself (prepared statements, no reset, no JIT).
        await using var bareEndpoint = await BareEndpoint.StartAsync(DatabaseSetup.WithServiceDefaults(o.ConnectionString), ids[0]);
        Task<Wrk.Result> Bare(TimeSpan duration) => Wrk.RunAsync(o, "/", duration, script, [idsFile, "/cases/"], bareEndpoint.Url);

        await WarmUpAsync(o, Service);
        await WarmUpAsync(o, Bare);
        await SqlLoad.RunAsync(db, o.Connections, o.WarmUp, Lookup);
        await SqlLoad.RunAsync(prepared, o.Connections, o.WarmUp, Lookup);
        if (o.NodeUrl is not null) await WarmUpAsync(o, Node);
        var sql = new List<SqlLoad.Result>();
        var sqlPrepared = new List<SqlLoad.Result>();
        var bare = new List<Wrk.Result>();
        var node = new List<Wrk.Result>();
        // Service and reference runs alternate, so a burst of load from elsewhere on the machine hits both alike.
        var (api, peak) = await memory.MeasureAsync(async () =>
        {
            var runs = new List<Wrk.Result>();
            // At least 5 pairs: the bare endpoint's target is a ratio near the noise of one 10 s window on shared cores.
            for (var i = 0; i < Math.Max(5, o.Repetitions); i++)
            {
                runs.Add(await Service(o.Duration));
                bare.Add(await Bare(o.Duration));
                sql.Add(await SqlLoad.RunAsync(db, o.Connections, o.Duration, Lookup));
                sqlPrepared.Add(await SqlLoad.RunAsync(prepared, o.Connections, o.Duration, Lookup));
                if (o.NodeUrl is not null) node.Add(await Node(o.Duration));
            }
            return runs;
        });
        EnsureNoErrors(api, "GET /api/v1/cases/{id}");
        EnsureNoErrors(bare, "the bare ASP.NET Core GET /cases/{id}");

        static string Runs(IEnumerable<Wrk.Result> runs) =>
            string.Join(", ", runs.Select(r => r.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)));
        var apiRps = BenchProgram.Median(api.Select(r => r.RequestsPerSecond));
        var bareRps = BenchProgram.Median(bare.Select(r => r.RequestsPerSecond));
        var sqlRps = BenchProgram.Median(sql.Select(r => r.PerSecond));
        var preparedRps = BenchProgram.Median(sqlPrepared.Select(r => r.PerSecond));
        BenchProgram.Log($"get by id: api {apiRps:N0} req/s (runs {Runs(api)}), bare ASP.NET Core {bareRps:N0} req/s (runs {Runs(bare)}), " +
            $"sql {sqlRps:N0} /s, prepared sql {preparedRps:N0} /s");
        metrics["get_by_id_rps"] = Metric.Throughput(apiRps, sqlRps, 2, "req/s",
            $"wrk, {o.Connections} connections, random ids; reference: the same SELECT through Npgsql (default settings) from {o.Connections} connections");
        metrics["get_by_id_vs_bare_aspnetcore_rps"] = Metric.PairedThroughput(
            [.. api.Select(r => r.RequestsPerSecond)], [.. bare.Select(r => r.RequestsPerSecond)], 1 / 0.8, "req/s",
            "the same; reference: a bare ASP.NET Core endpoint (bench BareEndpoint) serving the prepared SELECT's row as JSON, same wrk script, " +
            "run right after each service run; ratio: the median of the pairs' ratios; " +
            "target: at least 0.8 of it (what the service adds to HTTP costs at most a fifth)");
        metrics["get_by_id_vs_prepared_sql_rps"] = Metric.Throughput(apiRps, preparedRps, null, "req/s",
            "the same; reference: the same SELECT prepared (Max Auto Prepare) with no HTTP, the fastest way through the driver; reported");
        metrics["bare_aspnetcore_vs_prepared_sql_rps"] = Metric.Throughput(bareRps, preparedRps, null, "req/s",
            "value: the bare endpoint; reference: the prepared SELECT; ratio: what HTTP itself costs (wrk, sockets, Kestrel, JSON) on these cores");
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

    /// <summary>Up to 100,000 case ids in random order, also written one a line to the work folder for wrk's random-id.lua.</summary>
    internal static async Task<(List<Guid> Ids, string File)> RandomIdsAsync(BenchOptions o, NpgsqlDataSource db, string fileName)
    {
        var ids = new List<Guid>();
        await using (var connection = await db.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("SELECT id FROM cases ORDER BY random() LIMIT 100000", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        }
        var file = Path.Combine(o.WorkDir, fileName);
        await File.WriteAllLinesAsync(file, ids.Select(id => id.ToString()));
        return (ids, file);
    }

    /// <summary>
    /// A filtered list page (two filters, limit=50). Warm, as a dashboard polls it: wrk at full concurrency with the data
    /// unchanged, p50 against get-by-id's. Cold, as the first reader after a change meets it: one request at a time
    /// just after an edit, with count=exact against the page and its count written by hand, and with the default count.
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

        var edit = await EditorAsync(db, http);
        var peak = await MeasureListAsync(o, db, http, memory, metrics, edit, "list", ListPath, ListSql);
        // docs/design.md: entity filters meet the targets of the other list filters. A defendant names one case (a point
        // lookup through the link table); the victim named most often names a large share of the store.
        var (defendant, victim) = await EntitiesToFilterAsync(db);
        // The same page and count by hand: the cases linked to the entity (in the role the filter names, if it names one).
        var linked = (string id, string role) =>
        {
            var links = $"SELECT l.case_id FROM case_entities l WHERE l.entity_id = '{id}'{(role == "" ? "" : $" AND l.role = '{role}'")}";
            return $"SELECT {CaseColumns} FROM cases AS c WHERE c.id IN ({links}) ORDER BY c.charged_on DESC NULLS LAST, c.id LIMIT 51; " +
                $"SELECT count(*) FROM cases AS c WHERE c.id IN ({links})";
        };
        peak = Math.Max(peak, await MeasureListAsync(o, db, http, memory, metrics, edit, "list_defendant",
            $"/api/v1/cases?defendant={defendant.Slug}&limit=50", linked(defendant.Id, "defendant")));
        peak = Math.Max(peak, await MeasureListAsync(o, db, http, memory, metrics, edit, "list_entity",
            $"/api/v1/cases?entity={victim.Slug}&limit=50", linked(victim.Id, "")));
        metrics["memory_peak_mb_list"] = Metric.Ceiling(peak, 300, "MB", "service peak RSS during the list requests");
    }

    /// <summary>
    /// One list page, cold (just after an edit, with count=exact and with the default count, against the page and its
    /// count by hand) and warm (wrk, p50 against get-by-id's); the metrics are named after <paramref name="name"/>.
    /// </summary>
    private static async Task<double> MeasureListAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory,
        Dictionary<string, Metric> metrics, Func<Task> edit, string name, string path, string sql)
    {
        var repetitions = Math.Max(5, o.Repetitions);
        var (exact, coldPeak) = await memory.MeasureAsync(() => ColdAsync(db, http, edit, path + "&count=exact", sql, repetitions));
        var firstPage = await ColdAsync(db, http, edit, path, sql, repetitions);
        var coldNote = $"just after a case was edited (computed afresh), one request at a time, median of {repetitions} after a warm-up; " +
            "reference: the page and its exact count by hand through Npgsql, right after each request; ratio: the median of the pairs' ratios";
        metrics[$"{name}_page_count_exact_cold_ms"] = Metric.PairedTime(exact.Service, exact.Reference, 1.0, "ms",
            $"GET {path}&count=exact {coldNote}; target: at most 1x");
        metrics[$"{name}_first_page_cold_ms"] = Metric.PairedTime(firstPage.Service, firstPage.Reference, null, "ms",
            $"GET {path} (default count) {coldNote}");

        var (warm, warmPeak) = await LoadAsync(o, memory, path);
        var byId = metrics.TryGetValue("get_by_id_p50_ms", out var lookup) ? lookup.Value : null;
        var warmNote = $"GET {path} (default count) with the data unchanged, wrk {o.Connections} connections";
        metrics[$"{name}_first_page_p50_ms"] = Metric.Time(BenchProgram.Median(warm.Select(r => r.P50Ms)), byId, 3, "ms",
            $"{warmNote}; reference: GET /cases/{{id}} p50 of this run; target: at most 3x");
        metrics[$"{name}_first_page_p99_ms"] = Metric.Time(BenchProgram.Median(warm.Select(r => r.P99Ms)), null, null, "ms", warmNote);
        return Math.Max(coldPeak, warmPeak);
    }

    /// <summary>The defendant of the first case by slug, and the victim most cases name (ties by slug).</summary>
    private static async Task<((string Id, string Slug) Defendant, (string Id, string Slug) Victim)> EntitiesToFilterAsync(NpgsqlDataSource db)
    {
        async Task<(string, string)> OneAsync(string sql)
        {
            await using var command = db.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync()) throw new InvalidOperationException($"no entity to filter by: {sql}");
            return (reader.GetGuid(0).ToString(), reader.GetString(1));
        }
        return (
            await OneAsync("SELECT e.id, e.slug FROM cases c JOIN case_entities l ON l.case_id = c.id AND l.role = 'defendant' " +
                "JOIN entities e ON e.id = l.entity_id ORDER BY c.slug, e.slug LIMIT 1"),
            await OneAsync("SELECT e.id, e.slug FROM case_entities l JOIN entities e ON e.id = l.entity_id WHERE l.role = 'victim' " +
                "GROUP BY e.id, e.slug ORDER BY count(*) DESC, e.slug LIMIT 1"));
    }

    /// <summary>
    /// Statistics as a dashboard meets them, for the summary and a two-way grouping:
    /// cold, one request at a time just after a case was edited through the API (the store version has moved, so the answer
    /// is computed afresh), against the hand-written SQL for the same numbers; warm, nothing changed since the last answer,
    /// with wrk at full concurrency, p50 against get-by-id's; and polling with If-None-Match naming the current ETag (304s),
    /// requests/s against get-by-id's.
    /// </summary>
    public static async Task StatisticsAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, MemorySampler memory, Dictionary<string, Metric> metrics)
    {
        var byIdP50 = metrics.TryGetValue("get_by_id_p50_ms", out var lookupP50) ? lookupP50.Value : null;
        var byIdRps = metrics.TryGetValue("get_by_id_rps", out var lookupRps) ? lookupRps.Value : null;
        var edit = await EditorAsync(db, http);

        var peak = 0.0;
        foreach (var (name, path, sql) in new[]
        {
            ("stats_group_by_sector_year", "/api/v1/stats/cases?groupBy=sector,year", GroupBySql),
            ("stats_summary", "/api/v1/stats/summary", SummarySql),
        })
        {
            var repetitions = Math.Max(5, o.Repetitions);
            var (cold, phasePeak) = await memory.MeasureAsync(() => ColdAsync(db, http, edit, path, sql, repetitions));
            metrics[$"{name}_cold_ms"] = Metric.PairedTime(cold.Service, cold.Reference, 1.2, "ms",
                $"GET {path} just after a case was edited (computed afresh), median of {repetitions} after a warm-up; " +
                "reference: hand-written SQL for the same numbers, right after each request; ratio: the median of the pairs' ratios; target: at most 1.2x");

            // Warm: the answer for this version is computed once, then every request is served from it.
            var (warm, warmPeak) = await LoadAsync(o, memory, path);
            metrics[$"{name}_warm_p50_ms"] = Metric.Time(BenchProgram.Median(warm.Select(r => r.P50Ms)), byIdP50, 3, "ms",
                $"GET {path} with the data unchanged, wrk {o.Connections} connections; reference: GET /cases/{{id}} p50 of this run; target: at most 3x");
            peak = Math.Max(peak, Math.Max(phasePeak, warmPeak));
            BenchProgram.Log($"{name}: cold {metrics[$"{name}_cold_ms"].Value} ms (sql {metrics[$"{name}_cold_ms"].Reference} ms), " +
                $"warm p50 {metrics[$"{name}_warm_p50_ms"].Value} ms");
        }

        // Polling: a dashboard that holds the current ETag is answered 304 until something commits.
        const string pollPath = "/api/v1/stats/summary";
        using (var first = await http.GetAsync(pollPath))
        {
            first.EnsureSuccessStatusCode();
            string[] ifNoneMatch = [$"If-None-Match: {first.Headers.ETag}"];
            using var probe = new HttpRequestMessage(HttpMethod.Get, pollPath);
            probe.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            using var notModified = await http.SendAsync(probe);
            if (notModified.StatusCode != System.Net.HttpStatusCode.NotModified)
            {
                throw new InvalidOperationException($"GET {pollPath} with its own ETag answered {(int)notModified.StatusCode}, not 304.");
            }
            var (polls, pollPeak) = await LoadAsync(o, memory, pollPath, ifNoneMatch);
            peak = Math.Max(peak, pollPeak);
            metrics["poll_not_modified_rps"] = Metric.Throughput(BenchProgram.Median(polls.Select(r => r.RequestsPerSecond)), byIdRps, 1 / 0.8, "req/s",
                $"GET {pollPath} with If-None-Match naming the current ETag (304), wrk {o.Connections} connections; " +
                "reference: GET /cases/{id} req/s of this run; target: at least 0.8 of it");
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
    /// What users do together: dashboards (8, each refreshing the summary, a two-way grouping and the first list page
    /// once a second with If-None-Match) while an admin imports. The import is measured alone and with the dashboards,
    /// over the same extra rows each time (removed again afterwards, so that the store keeps its stage size). Every import
    /// request commits, and a commit sends every dashboard back for fresh answers; so the dashboards' reference is the same
    /// polling for as long as the import took alone while single edits commit as often as its requests did: the same
    /// invalidations without the import's load.
    /// </summary>
    public static async Task MixedAsync(BenchOptions o, NpgsqlDataSource db, HttpClient http, Dictionary<string, Metric> metrics, long stage)
    {
        string[] dashboard = ["/api/v1/stats/summary", "/api/v1/stats/cases?groupBy=sector,year", ListPath];
        var refresh = TimeSpan.FromSeconds(1);
        // Numbered far above any stage, so that their slugs sort after every other case and never collide with a stage's.
        const long first = 1_000_000_000;
        // A tenth of the stage (at least half a chunk) in five requests: a continuous import, not one long transaction.
        var rows = Math.Max(o.ChunkRows / 2, stage / 10);
        var chunks = DataFiles.Write(Path.Combine(o.WorkDir, "mixed"), first, first + rows, (int)Math.Max(1, rows / 5));
        var edit = await EditorAsync(db, http);

        async Task<double> ImportAsync()
        {
            var ms = 0.0;
            foreach (var chunk in chunks)
            {
                using var report = await BenchProgram.TimeAsync(
                    () => BenchProgram.PostFileAsync(http, "/api/v1/imports?mode=insert", chunk.CsvPath, "text/csv"), elapsed => ms += elapsed);
            }
            return ms;
        }
        async Task RemoveAsync()
        {
            await using var connection = await db.OpenConnectionAsync();
            await SqlLoad.ReadAllAsync(connection, $"DELETE FROM cases WHERE slug >= 'bench-case-{first}'");
            await SqlLoad.ReadAllAsync(connection, "VACUUM ANALYZE cases");
        }
        async Task EditsAsync(TimeSpan during)
        {
            foreach (var _ in chunks)
            {
                await Task.Delay(during / chunks.Count);
                await edit();
            }
        }

        await HttpLoad.RunAsync(http, o.MixedConnections, dashboard, refresh, Task.Delay(o.WarmUp));
        var aloneMs = await ImportAsync();
        await RemoveAsync();
        var alone = await HttpLoad.RunAsync(http, o.MixedConnections, dashboard, refresh, EditsAsync(TimeSpan.FromMilliseconds(aloneMs)));
        var import = ImportAsync();
        var mixed = await HttpLoad.RunAsync(http, o.MixedConnections, dashboard, refresh, import);
        var mixedMs = await import;
        await RemoveAsync();
        if (alone.Errors + mixed.Errors > 0)
        {
            throw new InvalidOperationException($"mixed phase: {alone.Errors + mixed.Errors} dashboard requests failed.");
        }
        var (importAlone, importMixed) = (rows / (aloneMs / 1000), rows / (mixedMs / 1000));
        BenchProgram.Log($"mixed: import {importAlone:N0} rows/s alone, {importMixed:N0} with dashboards; dashboards p50/p99 {alone.P50Ms:N1}/{alone.P99Ms:N1} ms " +
            $"with edits ({alone.Requests} requests, {alone.Fresh} fresh), {mixed.P50Ms:N1}/{mixed.P99Ms:N1} ms during the import " +
            $"({mixed.Requests} requests, {mixed.Fresh} fresh)");

        var what = $"{rows:N0} extra cases imported in requests of {chunks[0].Rows:N0} rows while {o.MixedConnections} dashboards refresh " +
            "/stats/summary, /stats/cases?groupBy=sector,year and the first list page every second with If-None-Match";
        metrics["mixed_import_rows_per_s"] = Metric.Throughput(importMixed, importAlone, 1 / 0.7, "rows/s",
            $"{what}; reference: the same import with no dashboards; target: at least 0.7 of it");
        var reference = $"reference: the same polling for as long as the import took alone, while {chunks.Count} single edits commit at even intervals";
        metrics["mixed_dashboard_p99_ms"] = Metric.Time(mixed.P99Ms, alone.P99Ms, 5, "ms", $"{what}; {reference}; target: at most 5x");
        metrics["mixed_dashboard_p50_ms"] = Metric.Time(mixed.P50Ms, alone.P50Ms, null, "ms", $"{what}; {reference}");
    }

    /// <summary>
    /// A write the measured reads do not depend on (a tag of one case), made through the API like any editor's: it advances
    /// the store version, so the next read of a cached answer computes it afresh.
    /// </summary>
    internal static async Task<Func<Task>> EditorAsync(NpgsqlDataSource db, HttpClient http)
    {
        Guid edited;
        await using (var connection = await db.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("SELECT id FROM cases ORDER BY slug LIMIT 1", connection))
        {
            edited = (Guid)(await command.ExecuteScalarAsync())!;
        }
        var edits = 0;
        return async () =>
        {
            using var current = await http.GetAsync($"/api/v1/cases/{edited}");
            current.EnsureSuccessStatusCode();
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/cases/{edited}")
            {
                Content = new StringContent($$"""{"tags":["bench-edit-{{++edits}}"]}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
            };
            patch.Headers.IfMatch.Add(current.Headers.ETag!);
            using var response = await http.SendAsync(patch);
            response.EnsureSuccessStatusCode();
        };
    }

    /// <summary>
    /// One request at a time, each just after an edit (so the service computes its answer afresh), alternating with the
    /// reference SQL on one connection; run 0 of each side is the warm-up. The rest, in pairs: service, then reference.
    /// </summary>
    internal static async Task<(List<double> Service, List<double> Reference)> ColdAsync(
        NpgsqlDataSource db, HttpClient http, Func<Task> edit, string path, string sql, int repetitions)
    {
        var (service, reference) = (new List<double>(), new List<double>());
        await using var connection = await db.OpenConnectionAsync();
        for (var i = 0; i <= repetitions; i++)
        {
            await edit();
            using var response = await BenchProgram.TimeAsync(async () =>
            {
                var r = await http.GetAsync(path);
                await r.Content.ReadAsByteArrayAsync();
                return r;
            }, ms => { if (i > 0) service.Add(ms); });
            response.EnsureSuccessStatusCode();
            await BenchProgram.TimeAsync(() => SqlLoad.ReadAllAsync(connection, sql), ms => { if (i > 0) reference.Add(ms); });
        }
        return (service, reference);
    }

    /// <summary>wrk on one path at full concurrency: a warm-up, then the measured runs, with the service's peak memory.</summary>
    internal static async Task<(List<Wrk.Result> Runs, double PeakMb)> LoadAsync(BenchOptions o, MemorySampler memory, string path, string[]? headers = null)
    {
        var (runs, peak) = await memory.MeasureAsync(async () =>
        {
            await WarmUpAsync(o, window => Wrk.RunAsync(o, path, window, headers: headers));
            var runs = new List<Wrk.Result>();
            for (var i = 0; i < o.Repetitions; i++) runs.Add(await Wrk.RunAsync(o, path, o.Duration, headers: headers));
            return runs;
        });
        EnsureNoErrors(runs, path);
        return (runs, peak);
    }

    /// <summary>
    /// Warm-up windows of wrk until two in a row agree within 5 % (at most <see cref="MaxWarmUpWindows"/>). A server's JIT
    /// promotes hot code to optimised tiers while under load, and on 2 shared cores that takes a while: the service
    /// served 630, 830, 1,260 and then 1,800 requests/s in consecutive 10 s windows of GET /cases/{id} just after start.
    /// A long-running service serves the steady rate, so that is what the measured windows should see.
    /// </summary>
    internal static async Task WarmUpAsync(BenchOptions o, Func<TimeSpan, Task<Wrk.Result>> run)
    {
        var last = 0.0;
        for (var i = 0; i < MaxWarmUpWindows; i++)
        {
            var rate = (await run(o.WarmUp)).RequestsPerSecond;
            if (Math.Abs(rate - last) <= 0.05 * rate) return;
            last = rate;
        }
    }

    private const int MaxWarmUpWindows = 8;

    internal static void EnsureNoErrors(IEnumerable<Wrk.Result> runs, string what)
    {
        var errors = runs.Sum(r => r.Errors);
        if (errors > 0) throw new InvalidOperationException($"{what}: {errors} failed requests under load (non-2xx or socket errors); the numbers would be meaningless.");
    }
}
