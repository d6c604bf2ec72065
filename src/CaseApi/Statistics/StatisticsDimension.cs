using System.Globalization;
using CaseApi.Cases;
using CaseApi.ReferenceData;
using CaseApi.Store;
using Microsoft.OpenApi;

namespace CaseApi.Statistics;

/// <summary>
/// The whitelist of group-by dimensions and metrics, as SQL over <c>matching m</c> (the filtered cases). Only these
/// fixed fragments ever reach the SQL text; the client's words only choose among them. A dimension's label comes from
/// its reference table (<see cref="LabelTable"/>, read in the same statement as the counts) or else from <see cref="Title"/>;
/// its values are JSON strings unless <see cref="Kind"/> says otherwise (the contract's row schema reads it).
/// </summary>
internal sealed record StatisticsDimension(
    Func<CaseFilter, string, (SqlFragment Join, SqlFragment Value)> Sql, Func<string?, object?> FromText, Func<string, string> Title,
    string? LabelTable = null, JsonSchemaType Kind = JsonSchemaType.String)
{
    /// <summary>The label of rows whose value is missing (no date, no sponsor).</summary>
    public const string UnknownLabel = "Unknown";
    public static readonly IReadOnlyDictionary<string, StatisticsDimension> All = new Dictionary<string, StatisticsDimension>(StringComparer.Ordinal)
    {
        // Cases without the date group under null.
        ["year"] = new((f, _) => (SqlFragment.Empty, SqlFragment.Raw($"extract(year from m.{f.DateColumn})::int")),
            t => t is null ? null : int.Parse(t, CultureInfo.InvariantCulture), t => t, Kind: JsonSchemaType.Integer),
        ["sector"] = Unnest("m.sectors", labelTable: "sectors"),
        // With includeChildren a case also counts under every ancestor of its sponsor (mss includes mss-jssd).
        ["sponsor"] = new((f, j) => f.IncludeChildren == true
            ? (SqlFragment.Raw($"LEFT JOIN sponsor_lineage {j} ON {j}.code = m.sponsor_code"), SqlFragment.Raw($"{j}.ancestor"))
            : (SqlFragment.Empty, SqlFragment.Raw("m.sponsor_code")), t => t, Humanize, "sponsors"),
        ["sponsorType"] = new(
            (f, j) => (SqlFragment.Of($"LEFT JOIN {f.View.Table("sponsors")} {SqlFragment.Raw($"{j} ON {j}.code = m.sponsor_code")}"),
                SqlFragment.Raw($"{j}.type")), t => t, Humanize),
        ["collectorType"] = Column("m.collector_type"),
        ["activityType"] = Unnest("m.activity_types", title: ActivityTitle),
        ["tradecraft"] = Unnest("m.tradecraft"),
        ["outcome"] = Column("m.outcome"),
        ["state"] = Unnest("m.us_states", title: t => t),
        ["policy"] = Unnest(f => f.View.AlignedPolicies("m.sectors"), labelTable: "policy_documents"),
        ["aligned"] = new((f, _) => (SqlFragment.Empty, f.AlignedSql("m.")), t => t is null ? null : t == "true",
            t => t == "true" ? "Aligned with a policy document" : "Not aligned", Kind: JsonSchemaType.Boolean),
        // The source lists a case appears in: how much each compilation covers.
        ["list"] = Unnest("m.listed_in", labelTable: "source_lists"),
    };

    /// <summary>The dimensions one statistics query may group by at most.</summary>
    public const int MaxDimensions = 3;

    /// <summary>The label of a row's value: the reference table's name when it has one, else the code list's title.</summary>
    public string Label(string? key, string? tableName) => key is null ? UnknownLabel : tableName ?? Title(key);

    /// <summary>The title of an activity type in the code list; the humanized code for one the list no longer has.</summary>
    public static string ActivityTitle(string code) => CodeLists.ActivityTypes.TryGetValue(code, out var title) ? title : Humanize(code);

    /// <summary>
    /// A plain code list's title: its title as the reference writes it when the code list has one
    /// (<see cref="CodeLists.Titles"/>: "state-owned-enterprise" reads "State-owned enterprise"), else the code as words
    /// ("soe-employee" reads "SOE employee"). A code's hyphens cannot tell a compound word from a word break, so the
    /// titles that keep a hyphen are written out rather than guessed.
    /// </summary>
    public static string Humanize(string code)
    {
        if (CodeLists.Titles.TryGetValue(code, out var title)) return title;
        var words = code.Split('-').Select(w => Acronyms.Contains(w) ? w.ToUpperInvariant() : w).ToArray();
        if (words.Length > 0 && words[0].Length > 0) words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        return string.Join(' ', words);
    }

    private static readonly HashSet<string> Acronyms = new(StringComparer.Ordinal) { "soe", "us", "pla", "ngo" };

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
    public static SqlFragment SponsorLineage(StoreView view) => SqlFragment.Of($"""
        sponsor_lineage(code, ancestor, path) AS (
            SELECT code, code, ARRAY[code::text] FROM {view.Table("sponsors")}
            UNION ALL
            SELECT l.code, s.parent_code, l.path || s.parent_code::text FROM sponsor_lineage l JOIN {view.Table("sponsors")} s ON s.code = l.ancestor
            WHERE s.parent_code IS NOT NULL AND s.parent_code <> ALL(l.path) AND cardinality(l.path) < {SqlFragment.Raw(MaxDepthText)})
        """);

    private static readonly string MaxDepthText = Sponsor.MaxDepth.ToString(CultureInfo.InvariantCulture);

    // A multi-valued dimension: one row per value, so a case counts once under each of its values and not at all when it has none.
    private static StatisticsDimension Unnest(string array, string? labelTable = null, Func<string, string>? title = null) =>
        Unnest(_ => SqlFragment.Raw(array), labelTable, title);

    private static StatisticsDimension Unnest(Func<CaseFilter, SqlFragment> array, string? labelTable = null, Func<string, string>? title = null) =>
        new((f, j) => (SqlFragment.Of($"CROSS JOIN LATERAL unnest({array(f)}) AS {SqlFragment.Raw($"{j}(v)")}"), SqlFragment.Raw($"{j}.v")),
            t => t, title ?? Humanize, labelTable);

    private static StatisticsDimension Column(string column) => new((_, _) => (SqlFragment.Empty, SqlFragment.Raw(column)), t => t, Humanize);
}
