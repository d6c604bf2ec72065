using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Validation;
using CaseApi.Statistics.Coverage;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace CaseApi.Statistics;

/// <summary>
/// Aggregates for dashboards and notebooks. Each request is one SQL statement computed by PostgreSQL over the cases
/// matching the list filters; the service only shapes the (few) result rows.
/// </summary>
internal static class StatisticsEndpoints
{
    public static RouteGroupBuilder MapStatisticsEndpoints(this RouteGroupBuilder api)
    {
        // Every statistic reads the whole store, so each is kept per store version: a dashboard pays once per change.
        var stats = api.MapGroup("/stats").WithTags("Statistics").RequireAuthorization(Policies.Reader).RequireRateLimiting(RateLimitPolicies.Bulk);
        stats.MapGet("/cases", GetCaseStatistics).WithName(nameof(GetCaseStatistics))
            .ReadsStore<CaseFilter, StatisticsQuery>(StoreRead.Cases, cached: true).AddOpenApiOperationTransformer(AlsoCsv)
            .AddOpenApiOperationTransformer(StatisticsTable.DescribeRowsAsync)
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
        stats.MapGet("/summary", GetSummary).WithName(nameof(GetSummary)).ReadsStore<CaseFilter>(StoreRead.Cases, cached: true);
        stats.MapGet("/policy-alignment", GetPolicyAlignment).WithName(nameof(GetPolicyAlignment))
            .ReadsStore<CaseFilter>(StoreRead.Cases, cached: true);
        stats.MapCoverageEndpoints();
        stats.MapEntityStatistics();
        return api;
    }

    /// <summary>Count matching cases grouped by one to three dimensions, with labels, shares, top-N, a minimum count and metrics.</summary>
    /// <remarks>
    /// share = count ÷ total, where total is the number of matching cases. A case with several values of a multi-valued
    /// dimension (sector, activityType, tradecraft, state, policy) counts once under each, so shares can sum past 1;
    /// a case with no value of such a dimension is in no row. Single-valued dimensions (year, sponsor, sponsorType,
    /// collectorType, outcome, aligned) group missing values under null, labelled Unknown. Each value comes with its label:
    /// label with one dimension, the dimension's name plus Label with more (sectorLabel), from the reference tables' names and
    /// the code lists' titles.
    /// fill=zero adds the years without cases as rows with count 0; format=csv returns the same rows as CSV.
    /// </remarks>
    /// A zero-filled grid (years × series) larger than the configured limit (100,000 cells by default) is refused with 400.
    private static async Task<Results<Ok<CaseStatisticsResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetCaseStatistics(
        [AsParameters] CaseFilter filter, [AsParameters] StatisticsQuery query, StoreSnapshot snapshot, IOptions<StatisticsOptions> options,
        HttpContext http, CancellationToken ct)
    {
        if (ContentNegotiation.Choose(http.Request, query.Format, StatisticsQuery.Offers) is not { } format)
        {
            return ContentNegotiation.NotAcceptable(StatisticsQuery.Offers);
        }
        var limit = options.Value.MaxFilledCells;
        var rows = await snapshot.Db.Database.Query<GroupRow>(GroupBySql(filter.At(snapshot), query, limit)).ToListAsync(ct);
        if (rows[0].Cells is { } cells && cells > limit) return GridTooLarge(cells, limit);

        var columns = StatisticsTable.Columns(query);
        var total = rows[0].Total;
        var shaped = rows.Where(r => r.Count is not null).Select(r => StatisticsTable.Row(query, r, Share(r.Count!.Value, total))).ToList();
        return format == "csv"
            ? TypedResults.Text(StatisticsTable.ToCsv(columns, shaped), StatisticsTable.CsvContentType)
            : TypedResults.Ok(new CaseStatisticsResponse(query.Dimensions, total, shaped));
    }

    /// <summary>The headline findings over the matching cases: totals, policy alignment, top sectors and the main breakdowns.</summary>
    /// <remarks>
    /// Shares are of the matching cases; sectors and activity types are multi-valued, so their shares can sum past 1. Every
    /// breakdown row carries the label of its code.
    /// </remarks>
    private static async Task<Results<Ok<SummaryResponse>, ValidationProblem>> GetSummary(
        [AsParameters] CaseFilter filter, StoreSnapshot snapshot, CancellationToken ct)
    {
        var rows = await snapshot.Db.Database.Query<SummaryRow>(SummarySql(filter.At(snapshot))).ToListAsync(ct);

        long Single(string dimension) => rows.Single(r => r.Dimension == dimension).Count ?? 0;
        var total = Single("total");
        // The breakdowns are statistics dimensions, labelled the same way as GET /stats/cases labels them.
        List<T> Breakdown<T>(string dimension, Func<string?, string, long, double, T> create) =>
        [
            .. rows.Where(r => r.Dimension == dimension)
                .OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => create(r.Key, StatisticsDimension.All[dimension].Label(r.Key, r.Label), r.Count!.Value, Share(r.Count.Value, total))),
        ];
        int? Year(string dimension) => rows.Single(r => r.Dimension == dimension).Count is { } year ? (int)year : null;

        return TypedResults.Ok(new SummaryResponse(
            total,
            new CountShare(Single("aligned"), Share(Single("aligned"), total)),
            Breakdown("sector", (k, l, n, s) => new SectorShare(k!, l, n, s)),
            Breakdown("sponsorType", (k, l, n, s) => new SponsorTypeShare(k, l, n, s)),
            Breakdown("collectorType", (k, l, n, s) => new CollectorTypeShare(k!, l, n, s)),
            Breakdown("activityType", (k, l, n, s) => new ActivityTypeShare(k!, l, n, s)),
            Breakdown("outcome", (k, l, n, s) => new OutcomeShare(k!, l, n, s)),
            new YearRange(Year("yearFrom"), Year("yearTo"))));
    }

    /// <summary>How many matching cases target sectors each policy document names, computed from the current sector mapping.</summary>
    /// <remarks>A case aligned with several documents counts under each; anyDocument counts it once.</remarks>
    private static async Task<Results<Ok<PolicyAlignmentResponse>, ValidationProblem>> GetPolicyAlignment(
        [AsParameters] CaseFilter filter, StoreSnapshot snapshot, CancellationToken ct)
    {
        var rows = await snapshot.Db.Database.Query<AlignmentRow>(PolicyAlignmentSql(filter.At(snapshot))).ToListAsync(ct);

        var (total, aligned) = (rows[0].Total, rows[0].Aligned);
        var documents = rows.Where(r => r.Code is not null)
            .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => new DocumentShare(r.Code!, r.Title!, r.Count!.Value, Share(r.Count.Value, total)))
            .ToList();
        return TypedResults.Ok(new PolicyAlignmentResponse(total, new CountShare(aligned, Share(aligned, total)), documents));
    }

    // format=csv answers the same 200 as text/csv; the Results union only tells the JSON one.
    private static Task AlsoCsv(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        }
        return Task.CompletedTask;
    }

    private static ValidationProblem GridTooLarge(long cells, long limit)
    {
        var message = $"fill=zero would build {cells:N0} rows (years × series), more than the limit of {limit:N0} "
            + $"({StatisticsOptions.Section}:{nameof(StatisticsOptions.MaxFilledCells)}). Narrow from and to, filter, or group by fewer dimensions.";
        return ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { ["fill"] = [message] }, message);
    }

    private static double Share(long count, long total) => total == 0 ? 0 : (double)count / total;

    /// <summary>
    /// GET /stats/cases as one statement: groups of the matching cases (zero-filled over the years when asked), ranked, cut to
    /// top-N, labelled from the reference tables, with the total. Unused key slots are NULL, so the row shape is fixed.
    /// </summary>
    internal static SqlFragment GroupBySql(CaseFilter filter, StatisticsQuery query, long maxFilledCells = StatisticsOptions.DefaultMaxFilledCells)
    {
        var dimensions = query.Dimensions;
        var parts = dimensions.Select((d, i) => StatisticsDimension.All[d].Sql(filter, $"d{i + 1}")).ToList();
        var slots = Enumerable.Range(1, StatisticsDimension.MaxDimensions).ToList();
        SqlFragment Metric(string name) => Raw(query.MetricNames.Contains(name) ? StatisticsDimension.Metrics[name] : "NULL");

        var sortKey = query.Sort?.TrimStart('-') ?? "count";
        var direction = query.Sort is null || query.Sort.StartsWith('-') ? "DESC" : "ASC";
        var keys = string.Join(", ", parts.Select((_, i) => $"g.key{i + 1} NULLS LAST"));
        var order = Raw(sortKey == "count"
            ? $"g.count {direction}, {keys}"
            : $"g.key{dimensions.ToList().IndexOf(sortKey) + 1} {direction} NULLS LAST, g.count DESC, {keys}");
        var keyColumns = SqlFragment.Join(", ", slots.Select(i => (i <= parts.Count ? parts[i - 1].Value : Raw("NULL::text")) + Raw($" AS key{i}")));
        var labels = SqlFragment.Join(", ", slots.Select(i => i <= parts.Count && StatisticsDimension.All[dimensions[i - 1]].LabelTable is { } table
            ? SqlFragment.Of($"(SELECT l.name FROM {filter.View.Table(table)} l WHERE l.code = {Raw($"r.key{i}::text) AS label{i}")}")
            : Raw($"NULL::text AS label{i}")));
        var joins = SqlFragment.Join(" ", parts.Select(p => p.Join));
        var grouping = Raw(string.Join(", ", parts.Select((_, i) => i + 1)));
        var minCount = (long)(query.MinCount ?? 1);
        var limit = (long)(query.Limit ?? StatisticsQuery.MaxLimit);
        var (fill, ranked, cells) = query.FillZero
            ? (FillSql(filter, dimensions, maxFilledCells), Raw("filled"), Raw("(SELECT cells FROM bounds)"))
            : (SqlFragment.Empty, Raw("groups"), Raw("NULL::bigint"));
        var cases = filter.View.Table("cases");

        // NOT MATERIALIZED: scanning the matches twice (groups, total) is cheaper than spilling their arrays to a
        // work table; measured at about 1.2x the hand-written GROUP BY instead of 2x.
        return SqlFragment.Of($"""
            WITH RECURSIVE matching AS NOT MATERIALIZED (SELECT {Raw(StatisticsDimension.Columns)} FROM {cases} c WHERE {filter.ToSql()}),
            {StatisticsDimension.SponsorLineage(filter.View)},
            groups AS (
                SELECT {keyColumns}, count(*) AS count,
                    {Metric("sentenceMonths.avg")} AS average, {Metric("sentenceMonths.median")} AS median, {Metric("lossUsd.sum")} AS sum
                FROM matching m {joins}
                GROUP BY {grouping}
                HAVING count(*) >= {minCount}),{fill}
            ranked AS (SELECT g.*, row_number() OVER (ORDER BY {order}) AS rank FROM {ranked} g)
            SELECT r.key1::text AS key1, r.key2::text AS key2, r.key3::text AS key3,
                {labels},
                r.count, r.average, r.median, r.sum, t.total, {cells} AS cells
            FROM (SELECT count(*) AS total FROM matching) t LEFT JOIN ranked r ON r.rank <= {limit}
            ORDER BY r.rank
            """);
    }

    /// <summary>
    /// The zero-filled groups: every year of the range for every series (combination of the other dimensions' values that
    /// occurs; one series with year alone), the counted group where there is one and 0 elsewhere; cases without the date
    /// keep their null-year group. The range is from/to, else the first and last year counted. The grid's size is counted
    /// first (bounds.cells: the series, which the groups already hold, times the years); a grid over the limit generates no
    /// years at all, so the statement costs what the groups cost and the handler refuses it by its size.
    /// </summary>
    private static SqlFragment FillSql(CaseFilter filter, IReadOnlyList<string> dimensions, long maxCells)
    {
        var year = dimensions.ToList().IndexOf("year") + 1;
        var yearKey = Raw($"key{year}");
        var others = Enumerable.Range(1, dimensions.Count).Where(i => i != year).ToList();
        var from = filter.From is { } f ? SqlFragment.Of($"{f}") : Raw("b.lo");
        var to = filter.To is { } t ? SqlFragment.Of($"{t}") : Raw("b.hi");
        var series = others.Count == 0 ? "SELECT 1 AS one" : $"SELECT DISTINCT {string.Join(", ", others.Select(i => $"key{i}"))} FROM groups";
        var columns = string.Join(", ", Enumerable.Range(1, StatisticsDimension.MaxDimensions)
            .Select(i => i == year ? $"y.year AS key{i}" : others.Contains(i) ? $"s.key{i}" : $"NULL::text AS key{i}"));
        var matches = string.Concat(others.Select(i => $" AND g.key{i} IS NOT DISTINCT FROM s.key{i}"));
        return SqlFragment.Of($"""

            series AS ({Raw(series)}),
            bounds AS (SELECT r.lo, r.hi, (SELECT count(*) FROM series) * greatest(r.hi - r.lo + 1, 0) AS cells
                FROM (SELECT {from} AS lo, {to} AS hi FROM (SELECT min({yearKey}) AS lo, max({yearKey}) AS hi FROM groups) b) r),
            years AS (SELECT y.year FROM bounds b
                CROSS JOIN LATERAL generate_series(b.lo, CASE WHEN b.cells <= {maxCells} THEN b.hi ELSE b.lo - 1 END) AS y(year)),
            filled AS (
                SELECT {Raw(columns)}, coalesce(g.count, 0) AS count, g.average, g.median, g.sum
                FROM series s CROSS JOIN years y LEFT JOIN groups g ON g.{yearKey} = y.year{Raw(matches)}
                UNION ALL SELECT * FROM groups WHERE {yearKey} IS NULL),
            """);
    }

    /// <summary>
    /// GET /stats/summary as one statement in long format (dimension, key, count). The matches are NOT MATERIALIZED: at
    /// 1,000,000 cases writing them to a tuplestore and reading it nine times took twice as long as letting each branch
    /// scan the table (in parallel, from the buffer cache); the one-row totals are computed once. Sector names are joined
    /// to the counted groups, not looked up per group in the select list: that subquery kept the sector branch off the
    /// parallel workers (at 100,000 cases 290 ms against 140 ms; the whole statement 0.9x the six hand-written ones
    /// instead of 1.05x). Folding the single-valued breakdowns into one grouped scan was slower still (1.9x).
    /// </summary>
    internal static SqlFragment SummarySql(CaseFilter filter)
    {
        var (cases, sectors, sponsors) = (filter.View.Table("cases"), filter.View.Table("sectors"), filter.View.Table("sponsors"));
        return SqlFragment.Of($"""
        WITH matching AS NOT MATERIALIZED (
            SELECT c.sectors, c.activity_types, c.sponsor_code, c.collector_type, c.outcome, c.activity_start, c.charged_on,
                   {Raw($"c.{filter.DateColumn}")} AS dated
            FROM {cases} c WHERE {filter.ToSql()}),
        totals AS (
            SELECT count(*) AS total, count(*) FILTER (WHERE {filter.AlignedSql("")}) AS aligned,
                   min(extract(year from dated))::bigint AS year_from, max(extract(year from dated))::bigint AS year_to
            FROM matching)
        SELECT 'total' AS dimension, NULL AS key, total AS count, NULL AS label FROM totals
        UNION ALL SELECT 'aligned', NULL, aligned, NULL FROM totals
        UNION ALL SELECT 'yearFrom', NULL, year_from, NULL FROM totals
        UNION ALL SELECT 'yearTo', NULL, year_to, NULL FROM totals
        UNION ALL SELECT 'sector', g.v, g.n, l.name
            FROM (SELECT v, count(*) AS n FROM matching CROSS JOIN LATERAL unnest(sectors) AS v GROUP BY v) g LEFT JOIN {sectors} l ON l.code = g.v
        UNION ALL SELECT 'sponsorType', s.type, count(*), NULL FROM matching m LEFT JOIN {sponsors} s ON s.code = m.sponsor_code GROUP BY s.type
        UNION ALL SELECT 'collectorType', collector_type, count(*), NULL FROM matching GROUP BY collector_type
        UNION ALL SELECT 'activityType', v, count(*), NULL FROM matching CROSS JOIN LATERAL unnest(activity_types) AS v GROUP BY v
        UNION ALL SELECT 'outcome', outcome, count(*), NULL FROM matching GROUP BY outcome
        """);
    }

    /// <summary>
    /// GET /stats/policy-alignment as one statement. A document aligns with a case when its mapping names any of the
    /// case's sectors (aligned_policies' definition), tested as one array overlap per case and document against the view's mapping.
    /// </summary>
    internal static SqlFragment PolicyAlignmentSql(CaseFilter filter) => SqlFragment.Of($"""
        WITH matching AS (SELECT c.sectors, c.activity_start, c.charged_on FROM {filter.View.Table("cases")} c WHERE {filter.ToSql()}),
        mapping AS (SELECT policy_code, array_agg(sector_code::text) AS sectors FROM {Mapping(filter)} GROUP BY policy_code)
        SELECT t.total, t.aligned, p.code, p.name AS title,
            (SELECT count(*) FROM matching m WHERE m.sectors && coalesce(mp.sectors, ARRAY[]::text[])
                AND {filter.PublishedBeforeSql("m.", "p.year")}) AS count
        FROM (SELECT count(*) AS total, count(*) FILTER (WHERE {filter.AlignedSql("")}) AS aligned FROM matching) t
        LEFT JOIN {filter.View.Table("policy_documents")} p ON true
        LEFT JOIN mapping mp ON mp.policy_code = p.code
        """);

    private static SqlFragment Mapping(CaseFilter filter) => filter.View.Table("policy_document_sectors");

    private static SqlFragment Raw(string text) => SqlFragment.Raw(text);

    internal sealed record GroupRow(
        string? Key1, string? Key2, string? Key3, string? Label1, string? Label2, string? Label3,
        long? Count, double? Average, double? Median, decimal? Sum, long Total, long? Cells);

    internal sealed record SummaryRow(string Dimension, string? Key, long? Count, string? Label);

    internal sealed record AlignmentRow(long Total, long Aligned, string? Code, string? Title, long? Count);
}
