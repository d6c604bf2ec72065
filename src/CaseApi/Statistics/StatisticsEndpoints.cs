using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Statistics;

/// <summary>
/// Aggregates for dashboards and notebooks. Each request is one SQL statement computed by PostgreSQL over the cases
/// matching the list filters; the service only shapes the (few) result rows.
/// </summary>
internal static class StatisticsEndpoints
{
    public static RouteGroupBuilder MapStatisticsEndpoints(this RouteGroupBuilder api)
    {
        var stats = api.MapGroup("/stats").WithTags("Statistics")
            .RequireAuthorization(Policies.Reader).RequireRateLimiting(RateLimitPolicies.Bulk).WithStoreVersionETag().WithStoreVersionCache();
        stats.MapGet("/cases", GetCaseStatistics).WithName(nameof(GetCaseStatistics)).WithQuery<CaseFilter, StatisticsQuery>();
        stats.MapGet("/summary", GetSummary).WithName(nameof(GetSummary)).WithQuery<CaseFilter>();
        stats.MapGet("/policy-alignment", GetPolicyAlignment).WithName(nameof(GetPolicyAlignment)).WithQuery<CaseFilter>();
        return api;
    }

    /// <summary>Count matching cases grouped by one or two dimensions, with shares, top-N, a minimum count and metrics.</summary>
    /// <remarks>
    /// share = count ÷ total, where total is the number of matching cases. A case with several values of a multi-valued
    /// dimension (sector, activityType, tradecraft, state, policy) counts once under each, so shares can sum past 1;
    /// a case with no value of such a dimension is in no row. Single-valued dimensions (year, sponsor, sponsorType,
    /// collectorType, outcome, aligned) group missing values under null.
    /// </remarks>
    private static async Task<Results<Ok<CaseStatisticsResponse>, ValidationProblem>> GetCaseStatistics(
        [AsParameters] CaseFilter filter, [AsParameters] StatisticsQuery query, ReadOnlyCaseDbContext db, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<GroupRow>(GroupBySql(filter, query)).ToListAsync(ct);

        var dimensions = query.Dimensions.Select(d => StatisticsDimension.All[d]).ToList();
        var metrics = query.MetricNames;
        var total = rows[0].Total;
        var shaped = rows.Where(r => r.Count is not null).Select(r =>
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal) { [query.Dimensions[0]] = dimensions[0].FromText(r.Key1) };
            if (dimensions.Count == 2) row[query.Dimensions[1]] = dimensions[1].FromText(r.Key2);
            row["count"] = r.Count;
            row["share"] = Share(r.Count!.Value, total);
            if (metrics.Contains("sentenceMonths.avg")) row["sentenceMonths.avg"] = r.Average;
            if (metrics.Contains("sentenceMonths.median")) row["sentenceMonths.median"] = r.Median;
            if (metrics.Contains("lossUsd.sum")) row["lossUsd.sum"] = r.Sum;
            return (IReadOnlyDictionary<string, object?>)row;
        }).ToList();
        return TypedResults.Ok(new CaseStatisticsResponse(query.Dimensions, total, shaped));
    }

    /// <summary>The headline findings over the matching cases: totals, policy alignment, top sectors and the main breakdowns.</summary>
    /// <remarks>Shares are of the matching cases; sectors and activity types are multi-valued, so their shares can sum past 1.</remarks>
    private static async Task<Results<Ok<SummaryResponse>, ValidationProblem>> GetSummary(
        [AsParameters] CaseFilter filter, ReadOnlyCaseDbContext db, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<SummaryRow>(SummarySql(filter)).ToListAsync(ct);

        long Single(string dimension) => rows.Single(r => r.Dimension == dimension).Count ?? 0;
        var total = Single("total");
        List<T> Breakdown<T>(string dimension, Func<string?, long, double, T> create) =>
        [
            .. rows.Where(r => r.Dimension == dimension)
                .OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => create(r.Key, r.Count!.Value, Share(r.Count.Value, total))),
        ];
        int? Year(string dimension) => rows.Single(r => r.Dimension == dimension).Count is { } year ? (int)year : null;

        return TypedResults.Ok(new SummaryResponse(
            total,
            new CountShare(Single("aligned"), Share(Single("aligned"), total)),
            Breakdown("sector", (k, n, s) => new SectorShare(k!, n, s)),
            Breakdown("sponsorType", (k, n, s) => new SponsorTypeShare(k, n, s)),
            Breakdown("collectorType", (k, n, s) => new CollectorTypeShare(k!, n, s)),
            Breakdown("activityType", (k, n, s) => new ActivityTypeShare(k!, n, s)),
            Breakdown("outcome", (k, n, s) => new OutcomeShare(k!, n, s)),
            new YearRange(Year("yearFrom"), Year("yearTo"))));
    }

    /// <summary>How many matching cases target sectors each policy document names, computed from the current sector mapping.</summary>
    /// <remarks>A case aligned with several documents counts under each; anyDocument counts it once.</remarks>
    private static async Task<Results<Ok<PolicyAlignmentResponse>, ValidationProblem>> GetPolicyAlignment(
        [AsParameters] CaseFilter filter, ReadOnlyCaseDbContext db, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<AlignmentRow>(PolicyAlignmentSql(filter)).ToListAsync(ct);

        var (total, aligned) = (rows[0].Total, rows[0].Aligned);
        var documents = rows.Where(r => r.Code is not null)
            .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => new DocumentShare(r.Code!, r.Title!, r.Count!.Value, Share(r.Count.Value, total)))
            .ToList();
        return TypedResults.Ok(new PolicyAlignmentResponse(total, new CountShare(aligned, Share(aligned, total)), documents));
    }

    private static double Share(long count, long total) => total == 0 ? 0 : (double)count / total;

    /// <summary>GET /stats/cases as one statement: groups of the matching cases, ranked, cut to top-N, with the total.</summary>
    internal static SqlFragment GroupBySql(CaseFilter filter, StatisticsQuery query)
    {
        var parts = query.Dimensions.Select((d, i) => StatisticsDimension.All[d].Sql(filter, $"d{i + 1}")).ToList();
        SqlFragment Metric(string name) => Raw(query.MetricNames.Contains(name) ? StatisticsDimension.Metrics[name] : "NULL");

        var sortKey = query.Sort?.TrimStart('-') ?? "count";
        var direction = query.Sort is null || query.Sort.StartsWith('-') ? "DESC" : "ASC";
        var keys = parts.Count == 2 ? "g.key1 NULLS LAST, g.key2 NULLS LAST" : "g.key1 NULLS LAST";
        var order = Raw(sortKey == "count"
            ? $"g.count {direction}, {keys}"
            : $"g.key{query.Dimensions.ToList().IndexOf(sortKey) + 1} {direction} NULLS LAST, g.count DESC, {keys}");
        var key2 = parts.Count == 2 ? parts[1].Value : Raw("NULL::text");
        var joins = SqlFragment.Join(" ", parts.Select(p => p.Join));
        var grouping = Raw(parts.Count == 2 ? "1, 2" : "1");
        var minCount = (long)(query.MinCount ?? 1);
        var limit = (long)(query.Limit ?? StatisticsQuery.MaxLimit);

        // NOT MATERIALIZED: scanning the matches twice (groups, total) is cheaper than spilling their arrays to a
        // work table; measured at about 1.2x the hand-written GROUP BY instead of 2x.
        return SqlFragment.Of($"""
            WITH RECURSIVE matching AS NOT MATERIALIZED (SELECT {Raw(StatisticsDimension.Columns)} FROM cases c WHERE {filter.ToSql()}),
            {Raw(StatisticsDimension.SponsorLineage)},
            groups AS (
                SELECT {parts[0].Value} AS key1, {key2} AS key2, count(*) AS count,
                    {Metric("sentenceMonths.avg")} AS average, {Metric("sentenceMonths.median")} AS median, {Metric("lossUsd.sum")} AS sum
                FROM matching m {joins}
                GROUP BY {grouping}
                HAVING count(*) >= {minCount}),
            ranked AS (SELECT g.*, row_number() OVER (ORDER BY {order}) AS rank FROM groups g)
            SELECT r.key1::text AS key1, r.key2::text AS key2, r.count, r.average, r.median, r.sum, t.total
            FROM (SELECT count(*) AS total FROM matching) t LEFT JOIN ranked r ON r.rank <= {limit}
            ORDER BY r.rank
            """);
    }

    /// <summary>
    /// GET /stats/summary as one statement in long format (dimension, key, count). The matches are NOT MATERIALIZED: at
    /// 1,000,000 cases writing them to a tuplestore and reading it nine times took twice as long as letting each branch
    /// scan the table (in parallel, from the buffer cache); the one-row totals are computed once.
    /// </summary>
    internal static SqlFragment SummarySql(CaseFilter filter) => SqlFragment.Of($"""
        WITH matching AS NOT MATERIALIZED (
            SELECT c.sectors, c.activity_types, c.sponsor_code, c.collector_type, c.outcome, {Raw($"c.{filter.DateColumn}")} AS dated
            FROM cases c WHERE {filter.ToSql()}),
        totals AS (
            SELECT count(*) AS total, count(*) FILTER (WHERE {CaseFilter.AlignedSql("sectors")}) AS aligned,
                   min(extract(year from dated))::bigint AS year_from, max(extract(year from dated))::bigint AS year_to
            FROM matching)
        SELECT 'total' AS dimension, NULL AS key, total AS count FROM totals
        UNION ALL SELECT 'aligned', NULL, aligned FROM totals
        UNION ALL SELECT 'yearFrom', NULL, year_from FROM totals
        UNION ALL SELECT 'yearTo', NULL, year_to FROM totals
        UNION ALL SELECT 'sector', v, count(*) FROM matching CROSS JOIN LATERAL unnest(sectors) AS v GROUP BY v
        UNION ALL SELECT 'sponsorType', s.type, count(*) FROM matching m LEFT JOIN sponsors s ON s.code = m.sponsor_code GROUP BY s.type
        UNION ALL SELECT 'collectorType', collector_type, count(*) FROM matching GROUP BY collector_type
        UNION ALL SELECT 'activityType', v, count(*) FROM matching CROSS JOIN LATERAL unnest(activity_types) AS v GROUP BY v
        UNION ALL SELECT 'outcome', outcome, count(*) FROM matching GROUP BY outcome
        """);

    /// <summary>
    /// GET /stats/policy-alignment as one statement. A document aligns with a case when its mapping names any of the
    /// case's sectors (aligned_policies' definition), tested as one array overlap per case and document against the live mapping.
    /// </summary>
    internal static SqlFragment PolicyAlignmentSql(CaseFilter filter) => SqlFragment.Of($"""
        WITH matching AS (SELECT c.sectors FROM cases c WHERE {filter.ToSql()}),
        mapping AS (SELECT policy_code, array_agg(sector_code::text) AS sectors FROM policy_document_sectors GROUP BY policy_code)
        SELECT t.total, t.aligned, p.code, p.name AS title,
            (SELECT count(*) FROM matching m WHERE m.sectors && coalesce(mp.sectors, ARRAY[]::text[])) AS count
        FROM (SELECT count(*) AS total, count(*) FILTER (WHERE {CaseFilter.AlignedSql("sectors")}) AS aligned FROM matching) t
        LEFT JOIN policy_documents p ON true
        LEFT JOIN mapping mp ON mp.policy_code = p.code
        """);

    private static SqlFragment Raw(string text) => SqlFragment.Raw(text);

    internal sealed record GroupRow(string? Key1, string? Key2, long? Count, double? Average, double? Median, decimal? Sum, long Total);

    internal sealed record SummaryRow(string Dimension, string? Key, long? Count);

    internal sealed record AlignmentRow(long Total, long Aligned, string? Code, string? Title, long? Count);
}
