using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseApi.Statistics;

/// <summary>
/// The rows of GET /stats/cases as a chart or a spreadsheet reads them: each dimension's value with its label next to it,
/// then count, share and the requested metrics. JSON and CSV share these columns, in this order.
/// </summary>
internal static class StatisticsTable
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    private static readonly string[] MetricOrder = ["sentenceMonths.avg", "sentenceMonths.median", "lossUsd.sum"];

    /// <summary><c>label</c> with one dimension; <c>&lt;dimension&gt;Label</c> with more, so that each label names its code.</summary>
    public static string LabelColumn(StatisticsQuery query, string dimension) => query.Dimensions.Count == 1 ? "label" : $"{dimension}Label";

    public static IReadOnlyList<string> Columns(StatisticsQuery query) =>
    [
        .. query.Dimensions.SelectMany(d => new[] { d, LabelColumn(query, d) }),
        "count",
        "share",
        .. MetricOrder.Where(query.MetricNames.Contains),
    ];

    public static IReadOnlyDictionary<string, object?> Row(StatisticsQuery query, StatisticsEndpoints.GroupRow group, double share)
    {
        string?[] keys = [group.Key1, group.Key2, group.Key3];
        string?[] labels = [group.Label1, group.Label2, group.Label3];
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, i) in query.Dimensions.Select((d, i) => (d, i)))
        {
            var dimension = StatisticsDimension.All[name];
            row[name] = dimension.FromText(keys[i]);
            row[LabelColumn(query, name)] = dimension.Label(keys[i], labels[i]);
        }
        row["count"] = group.Count;
        row["share"] = share;
        var metrics = query.MetricNames;
        if (metrics.Contains("sentenceMonths.avg")) row["sentenceMonths.avg"] = group.Average;
        if (metrics.Contains("sentenceMonths.median")) row["sentenceMonths.median"] = group.Median;
        if (metrics.Contains("lossUsd.sum")) row["lossUsd.sum"] = group.Sum;
        return row;
    }

    /// <summary>
    /// The contract's row (<c>CaseStatisticsRow</c>): every column a row can have. Which ones a row carries depends on groupBy
    /// and metrics, so all but count and share are optional; typed clients get one row class instead of a bag of values.
    /// </summary>
    internal static Task DescribeRowsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.TryGetValue(nameof(CaseStatisticsResponse), out var response) != true
            || response is not OpenApiSchema { Properties: { } members } || !members.TryGetValue("rows", out var rows)
            || rows is not OpenApiSchema list)
        {
            return Task.CompletedTask;
        }
        document.Components.Schemas[RowSchema] = Row();
        list.Items = new OpenApiSchemaReference(RowSchema, document);
        return Task.CompletedTask;
    }

    private const string RowSchema = "CaseStatisticsRow";

    private static OpenApiSchema Row()
    {
        static OpenApiSchema Of(JsonSchemaType type, string description, string? format = null) =>
            new() { Type = type, Format = format, Description = description };
        var members = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var (name, dimension) in StatisticsDimension.All)
        {
            members[name] = Of(dimension.Kind | JsonSchemaType.Null,
                $"With groupBy naming {name}: the group's value; null groups the cases without one (labelled {StatisticsDimension.UnknownLabel}).");
            members[$"{name}Label"] = Of(JsonSchemaType.String, $"With groupBy naming {name} among two or three dimensions: the label of its value.");
        }
        members["label"] = Of(JsonSchemaType.String,
            "With one dimension: the label of its value (the reference table's name or the code list's title).");
        members["count"] = Of(JsonSchemaType.Integer, "The group's cases (0 in a row fill=zero added).", "int64");
        members["share"] = Of(JsonSchemaType.Number, "count ÷ total.", "double");
        foreach (var metric in MetricOrder)
        {
            members[metric] = Of(JsonSchemaType.Number | JsonSchemaType.Null,
                $"With metrics naming {metric}: its value over the group's cases; null when none of them has one.", "double");
        }
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object, Properties = members, Required = new HashSet<string>(StringComparer.Ordinal) { "count", "share" },
            Description = "One group of GET /stats/cases: the value and label of each dimension groupBy names, count, share and the metrics "
                + "asked for; members of dimensions and metrics not asked for are absent.",
        };
    }

    /// <summary>One header row, then one line a row; missing values are empty fields. The rows are few (top-N), so a string.</summary>
    public static string ToCsv(IReadOnlyList<string> columns, IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var column in columns) csv.WriteField(column);
            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var column in columns) csv.WriteField(row[column]);
                csv.NextRecord();
            }
        }
        return text.ToString();
    }
}
