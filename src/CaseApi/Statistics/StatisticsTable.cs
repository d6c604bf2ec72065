using System.Globalization;
using CsvHelper;

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
