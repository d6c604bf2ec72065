using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using CaseApi.Tests.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CaseApi.Tests.Cases;

/// <summary>Pins the SQL the case list sends, so that a change to the filter or the keyset shows up in review.</summary>
public sealed class CaseListSqlTests
{
    [Fact]
    public void The_filter_is_one_condition_with_every_value_a_parameter()
    {
        var filter = SqlPins.AerospaceConvictions with { Sponsor = ["mss"], IncludeChildren = true, Aligned = false, Q = "turbine" };

        var (sql, parameters) = filter.ToSql().Render();

        Assert.Equal(
            """
            TRUE AND c.search_vector @@ websearch_to_tsquery('english', @p_1) AND c.sectors && @p_2 AND c.sponsor_code IN (WITH RECURSIVE tree(code, path) AS (
                SELECT s.code, ARRAY[s.code::text] FROM sponsors s WHERE s.code = ANY(@p_3)
                UNION ALL SELECT s.code, t.path || s.code::text FROM sponsors s JOIN tree t ON s.parent_code = t.code
                WHERE s.code <> ALL(t.path) AND cardinality(t.path) < 32)
            SELECT code FROM tree) AND c.outcome = ANY(@p_4) AND NOT (c.sectors && ARRAY(SELECT sector_code::text FROM policy_document_sectors)) AND c.charged_on >= make_date(@p_5, 1, 1)
            """, sql);
        Assert.Equal("turbine | aerospace,space | mss | convicted | 2010", SqlPins.Describe(parameters));
    }

    [Fact]
    public void A_list_page_after_a_cursor_is_one_statement_in_keyset_order()
    {
        var options = new DbContextOptionsBuilder<ReadOnlyCaseDbContext>().UseNpgsql("Host=unused").UseSnakeCaseNamingConvention().Options;
        using var db = new ReadOnlyCaseDbContext(options);
        _ = CaseSort.TryParse("-chargedOn", out var sort);
        var after = new KeysetCursor("-chargedOn", "2019-04-01", Guid.Empty);

        var sql = CaseListEndpoints.PageQuery(db, SqlPins.AerospaceConvictions, sort!, sort!.After(after), 50).ToQueryString();

        // EF's own parameter (the LIMIT) is @p1; the fragments' are @p_1 …, so the two can never collide.
        Assert.Equal(
            $$"""
            SELECT c.id, {{ResponseColumns(db)}}, aligned_policies(c.sectors), c.created_at, c.updated_at, c.xmin
            FROM (
                SELECT c.*, c.xmin FROM cases c WHERE (TRUE AND c.sectors && @p_1 AND c.outcome = ANY(@p_2) AND c.charged_on >= make_date(@p_3, 1, 1)) AND ((c.charged_on < @p_4 OR (c.charged_on = @p_5 AND c.id < @p_6) OR c.charged_on IS NULL))
            ) AS c
            ORDER BY c.charged_on IS NULL, c.charged_on DESC, c.id DESC
            LIMIT @p1
            """, string.Join('\n', sql.Split('\n').Where(line => !line.StartsWith("-- ", StringComparison.Ordinal))));
    }

    /// <summary>
    /// The case's stored columns in the order the response names its fields (CaseColumnsTests holds them to the EF model),
    /// so that a new field changes no pinned text: c.slug, c.title, … c.activity_start, c.activity_start_precision, ….
    /// A list column that may be NULL (one added after history entries that lack it) is read as an empty list.
    /// </summary>
    private static string ResponseColumns(DbContext db)
    {
        var table = StoreObjectIdentifier.Table("cases");
        var nullable = db.Model.FindEntityType(typeof(Case))!.GetProperties()
            .Where(p => p.IsNullable && p.ClrType.IsArray).Select(p => p.GetColumnName(table)).ToHashSet();
        return string.Join(", ", typeof(CaseResponse).GetConstructors().Single().GetParameters()
            .Select(p => CaseColumns.ByName.GetValueOrDefault(JsonNamingPolicy.CamelCase.ConvertName(p.Name!)))
            .OfType<CaseField>().SelectMany(f => f.Columns)
            .Select(c => nullable.Contains(c.Name) ? $"COALESCE(c.{c.Name}, ARRAY[]::text[])" : $"c.{c.Name}"));
    }
}
