using CaseApi.Statistics;
using CaseApi.Store;
using CaseApi.Tests.Store;

namespace CaseApi.Tests.Statistics;

/// <summary>Pins the statements behind the statistics endpoints, so that a change to them shows up in review.</summary>
public sealed class StatisticsSqlTests
{
    [Fact]
    public void Group_by_is_one_statement_with_ranking_top_n_and_the_total()
    {
        var query = new StatisticsQuery(["sector,year"], "-count", 10, 2, ["sentenceMonths.median"]);

        var (sql, parameters) = StatisticsEndpoints.GroupBySql(SqlPins.AerospaceConvictions, query).Render();

        // The sponsor lineage is a constant of its own (StatisticsDimension.SponsorLineage, of the current store here); only its place is pinned here.
        Assert.Equal(
            $"""
            WITH RECURSIVE matching AS NOT MATERIALIZED (SELECT c.sectors, c.activity_types, c.tradecraft, c.us_states, c.sponsor_code, c.collector_type, c.outcome, c.charged_on, c.activity_start, c.resolved_on, c.sentence_months, c.loss_usd, c.listed_in FROM cases c WHERE TRUE AND c.sectors && @p_1 AND c.outcome = ANY(@p_2) AND c.charged_on >= make_date(@p_3, 1, 1)),
            {StatisticsDimension.SponsorLineage(StoreView.Current)},
            groups AS (
                SELECT d1.v AS key1, extract(year from m.charged_on)::int AS key2, NULL::text AS key3, count(*) AS count,
                    NULL AS average, percentile_cont(0.5) WITHIN GROUP (ORDER BY m.sentence_months) AS median, NULL AS sum
                FROM matching m CROSS JOIN LATERAL unnest(m.sectors) AS d1(v)
                GROUP BY 1, 2
                HAVING count(*) >= @p_4),
            ranked AS (SELECT g.*, row_number() OVER (ORDER BY g.count DESC, g.key1 NULLS LAST, g.key2 NULLS LAST) AS rank FROM groups g)
            SELECT r.key1::text AS key1, r.key2::text AS key2, r.key3::text AS key3,
                (SELECT l.name FROM sectors l WHERE l.code = r.key1::text) AS label1, NULL::text AS label2, NULL::text AS label3,
                r.count, r.average, r.median, r.sum, t.total, NULL::bigint AS cells
            FROM (SELECT count(*) AS total FROM matching) t LEFT JOIN ranked r ON r.rank <= @p_5
            ORDER BY r.rank
            """, sql);
        Assert.Equal("aerospace,space | convicted | 2010 | 2 | 10", SqlPins.Describe(parameters));
    }

    [Fact]
    public void The_summary_is_one_statement_in_long_format()
    {
        var (sql, parameters) = StatisticsEndpoints.SummarySql(SqlPins.AerospaceConvictions).Render();

        Assert.Equal(
            """
            WITH matching AS NOT MATERIALIZED (
                SELECT c.sectors, c.activity_types, c.sponsor_code, c.collector_type, c.outcome, c.activity_start, c.charged_on,
                       c.charged_on AS dated
                FROM cases c WHERE TRUE AND c.sectors && @p_1 AND c.outcome = ANY(@p_2) AND c.charged_on >= make_date(@p_3, 1, 1)),
            totals AS (
                SELECT count(*) AS total, count(*) FILTER (WHERE sectors && ARRAY(SELECT sector_code::text FROM policy_document_sectors)) AS aligned,
                       min(extract(year from dated))::bigint AS year_from, max(extract(year from dated))::bigint AS year_to
                FROM matching)
            SELECT 'total' AS dimension, NULL AS key, total AS count, NULL AS label FROM totals
            UNION ALL SELECT 'aligned', NULL, aligned, NULL FROM totals
            UNION ALL SELECT 'yearFrom', NULL, year_from, NULL FROM totals
            UNION ALL SELECT 'yearTo', NULL, year_to, NULL FROM totals
            UNION ALL SELECT 'sector', g.v, g.n, l.name
                FROM (SELECT v, count(*) AS n FROM matching CROSS JOIN LATERAL unnest(sectors) AS v GROUP BY v) g LEFT JOIN sectors l ON l.code = g.v
            UNION ALL SELECT 'sponsorType', s.type, count(*), NULL FROM matching m LEFT JOIN sponsors s ON s.code = m.sponsor_code GROUP BY s.type
            UNION ALL SELECT 'collectorType', collector_type, count(*), NULL FROM matching GROUP BY collector_type
            UNION ALL SELECT 'activityType', v, count(*), NULL FROM matching CROSS JOIN LATERAL unnest(activity_types) AS v GROUP BY v
            UNION ALL SELECT 'outcome', outcome, count(*), NULL FROM matching GROUP BY outcome
            """, sql);
        Assert.Equal("aerospace,space | convicted | 2010", SqlPins.Describe(parameters));
    }
}
