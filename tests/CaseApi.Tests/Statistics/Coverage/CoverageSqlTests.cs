using CaseApi.Statistics.Coverage;
using CaseApi.Tests.Infrastructure.Data;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>Pins the statement behind the capture histories, so that a change to it shows up in review.</summary>
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
}
