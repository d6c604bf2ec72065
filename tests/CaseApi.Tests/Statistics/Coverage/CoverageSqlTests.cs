using CaseApi.Statistics.Coverage;
using CaseApi.Tests.Store;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>Pins the statements behind the capture histories and the evidence counts, so that a change shows up in review.</summary>
public sealed class CoverageSqlTests
{
    [Fact]
    public void Capture_histories_are_counted_in_one_grouped_statement_that_can_use_the_array_index()
    {
        var (sql, parameters) = CoverageEndpoints.HistorySql(SqlPins.AerospaceConvictions, ["doj-china-initiative", "csis", "mit"]).Render();

        Assert.Equal(
            """
            SELECT CASE WHEN c.listed_in @> ARRAY[@p_1] THEN 4 ELSE 0 END + CASE WHEN c.listed_in @> ARRAY[@p_2] THEN 2 ELSE 0 END + CASE WHEN c.listed_in @> ARRAY[@p_3] THEN 1 ELSE 0 END AS mask, count(*) AS count
            FROM cases c WHERE (TRUE AND c.sectors && @p_4 AND c.outcome = ANY(@p_5) AND c.charged_on >= make_date(@p_6, 1, 1)) AND c.listed_in && @p_7
            GROUP BY 1
            """, sql);
        Assert.Equal("doj-china-initiative | csis | mit | aerospace,space | convicted | 2010 | doj-china-initiative,csis,mit", SqlPins.Describe(parameters));
    }

    [Fact]
    public void Stratified_histories_lead_each_row_with_the_stratum_and_group_by_it()
    {
        var filter = SqlPins.AerospaceConvictions;

        var (sql, _) = CoverageEndpoints.HistorySql(filter, ["csis", "mit"], CoverageEndpoints.StratumSql("decade", filter)).Render();

        Assert.StartsWith(
            "SELECT coalesce((extract(year from c.charged_on)::int / 10 * 10)::text || 's', 'undated') AS stratum, CASE WHEN", sql,
            StringComparison.Ordinal);
        Assert.EndsWith("GROUP BY 1, 2", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Evidence_is_counted_per_membership_of_a_named_list_joined_to_that_lists_evidence()
    {
        var (sql, parameters) = CoverageEndpoints.EvidenceSql(SqlPins.AerospaceConvictions, ["csis", "mit"]).Render();

        Assert.Equal(
            """
            SELECT m.list, count(*) AS memberships, count(e.reference) AS with_reference,
                   count(*) FILTER (WHERE e.match_method = 'manual') AS manual, count(*) FILTER (WHERE e.match_method = 'rule') AS rule
            FROM cases c
            CROSS JOIN LATERAL unnest(c.listed_in) AS m(list)
            LEFT JOIN LATERAL (
                SELECT x ->> 'reference' AS reference, x ->> 'matchMethod' AS match_method
                FROM jsonb_array_elements(c.list_evidence) x WHERE x ->> 'list' = m.list LIMIT 1) e ON true
            WHERE (TRUE AND c.sectors && @p_1 AND c.outcome = ANY(@p_2) AND c.charged_on >= make_date(@p_3, 1, 1)) AND c.listed_in && @p_4 AND m.list = ANY(@p_5)
            GROUP BY m.list
            """, sql);
        Assert.Equal("aerospace,space | convicted | 2010 | csis,mit | csis,mit", SqlPins.Describe(parameters));
    }
}
