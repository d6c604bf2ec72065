using System.Globalization;
using CaseApi.Cases;
using CaseApi.Infrastructure.Data;
using CaseApi.ReferenceData;

namespace CaseApi.Statistics;

/// <summary>
/// The whitelist of group-by dimensions and metrics, as SQL over <c>matching m</c> (the filtered cases). Only these
/// fixed fragments ever reach the SQL text; the client's words only choose among them.
/// </summary>
internal sealed record StatisticsDimension(Func<CaseFilter, string, (SqlFragment Join, SqlFragment Value)> Sql, Func<string?, object?> FromText)
{
    public static readonly IReadOnlyDictionary<string, StatisticsDimension> All = new Dictionary<string, StatisticsDimension>(StringComparer.Ordinal)
    {
        // Cases without the date group under null.
        ["year"] = new((f, _) => (SqlFragment.Empty, SqlFragment.Raw($"extract(year from m.{f.DateColumn})::int")),
            t => t is null ? null : int.Parse(t, CultureInfo.InvariantCulture)),
        ["sector"] = Unnest("m.sectors"),
        // With includeChildren a case also counts under every ancestor of its sponsor (mss includes mss-jssd).
        ["sponsor"] = new((f, j) => f.IncludeChildren == true
            ? (SqlFragment.Raw($"LEFT JOIN sponsor_lineage {j} ON {j}.code = m.sponsor_code"), SqlFragment.Raw($"{j}.ancestor"))
            : (SqlFragment.Empty, SqlFragment.Raw("m.sponsor_code")), t => t),
        ["sponsorType"] = new(
            (_, j) => (SqlFragment.Raw($"LEFT JOIN sponsors {j} ON {j}.code = m.sponsor_code"), SqlFragment.Raw($"{j}.type")), t => t),
        ["collectorType"] = Column("m.collector_type"),
        ["activityType"] = Unnest("m.activity_types"),
        ["tradecraft"] = Unnest("m.tradecraft"),
        ["outcome"] = Column("m.outcome"),
        ["state"] = Unnest("m.us_states"),
        ["policy"] = Unnest("aligned_policies(m.sectors)"),
        ["aligned"] = new((_, _) => (SqlFragment.Empty, CaseFilter.AlignedSql("m.sectors")), t => t is null ? null : t == "true"),
        // The source lists a case appears in: how much each compilation covers.
        ["list"] = Unnest("m.listed_in"),
    };

    public static readonly IReadOnlyDictionary<string, string> Metrics = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sentenceMonths.avg"] = "avg(m.sentence_months)::float8",
        ["sentenceMonths.median"] = "percentile_cont(0.5) WITHIN GROUP (ORDER BY m.sentence_months)",
        ["lossUsd.sum"] = "sum(m.loss_usd)",
    };

    /// <summary>The columns the dimensions and metrics read; the matching CTE selects only these.</summary>
    public const string Columns =
        "c.sectors, c.activity_types, c.tradecraft, c.us_states, c.sponsor_code, c.collector_type, c.outcome, " +
        "c.charged_on, c.activity_start, c.resolved_on, c.sentence_months, c.loss_usd, c.listed_in";

    /// <summary>
    /// Each sponsor with itself and all its ancestors, for sponsor grouping with includeChildren. The database keeps
    /// the hierarchy acyclic; the path and depth guards still bound the walk should a cycle be written around it.
    /// </summary>
    public static readonly string SponsorLineage = $"""
        sponsor_lineage(code, ancestor, path) AS (
            SELECT code, code, ARRAY[code::text] FROM sponsors
            UNION ALL
            SELECT l.code, s.parent_code, l.path || s.parent_code::text FROM sponsor_lineage l JOIN sponsors s ON s.code = l.ancestor
            WHERE s.parent_code IS NOT NULL AND s.parent_code <> ALL(l.path) AND cardinality(l.path) < {Sponsor.MaxDepth})
        """;

    // A multi-valued dimension: one row per value, so a case counts once under each of its values and not at all when it has none.
    private static StatisticsDimension Unnest(string array) =>
        new((_, j) => (SqlFragment.Raw($"CROSS JOIN LATERAL unnest({array}) AS {j}(v)"), SqlFragment.Raw($"{j}.v")), t => t);

    private static StatisticsDimension Column(string column) => new((_, _) => (SqlFragment.Empty, SqlFragment.Raw(column)), t => t);
}
