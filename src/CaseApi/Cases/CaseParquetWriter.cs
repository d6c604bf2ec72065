using Parquet;
using Parquet.Schema;

namespace CaseApi.Cases;

/// <summary>
/// Writes exported cases as Parquet with Parquet.Net, typed for notebooks: text as strings, lists as lists of strings,
/// whole numbers as int32 and amounts as doubles, policyAligned as a boolean, timestamps as UTC timestamps, and each
/// partial date as a date (the first day of its period) with its precision (year, month or day) in a column of its
/// own named after it. Rows go out in row groups of a few thousand, each drained to the response before the next is
/// read, so memory stays flat.
/// </summary>
internal static class CaseParquetWriter
{
    public const string MediaType = "application/vnd.apache.parquet";


    /// <summary>One Parquet column: its schema field, and how it writes a row group's values.</summary>
    private sealed record Column(Field Field, Func<ParquetRowGroupWriter, List<ExportedCase>, CancellationToken, Task> Write);

    public static async Task WriteAsync(
        Stream body, IAsyncEnumerable<ExportedCase> cases, IReadOnlyList<CaseExportColumn> columns, CancellationToken ct)
    {
        var parquet = columns.SelectMany(ColumnsOf).ToList();
        await ParquetLists.WriteFileAsync(body, new ParquetSchema(parquet.Select(c => c.Field)), cases,
            (writer, group, token) => WriteGroupAsync(writer, parquet, group, token), ct);
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, List<Column> columns, List<ExportedCase> group, CancellationToken ct)
    {
        using (var rows = writer.CreateRowGroup())
        {
            foreach (var column in columns) await column.Write(rows, group, ct);
            rows.CompleteValidate();
        }
    }

    private static IEnumerable<Column> ColumnsOf(CaseExportColumn column)
    {
        var name = column.Name;
        switch (column.Kind)
        {
            case ExportKind.List:
                var element = new DataField<string>("element", false);
                yield return new Column(new ListField(name, element), (rows, group, ct) =>
                    ParquetLists.WriteAsync(rows, element, group.Select(c => column.Value(c) as IReadOnlyList<string>), ct));
                break;
            case ExportKind.Integer:
                var integer = new DataField<int?>(name);
                yield return new Column(integer, (rows, group, ct) =>
                    rows.WriteAsync<int>(integer, group.Select(c => (int?)column.Value(c)).ToArray(), cancellationToken: ct));
                break;
            case ExportKind.Number:
                var number = new DataField<double?>(name);
                yield return new Column(number, (rows, group, ct) =>
                    rows.WriteAsync<double>(number, group.Select(c => (double?)(decimal?)column.Value(c)).ToArray(), cancellationToken: ct));
                break;
            case ExportKind.Boolean:
                var flag = new DataField<bool>(name, false);
                yield return new Column(flag, (rows, group, ct) =>
                    rows.WriteAsync<bool>(flag, group.Select(c => (bool)column.Value(c)!).ToArray(), cancellationToken: ct));
                break;
            case ExportKind.Timestamp:
                var moment = new DateTimeDataField(
                    name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false);
                yield return new Column(moment, (rows, group, ct) =>
                    rows.WriteAsync<DateTime>(
                        moment, group.Select(c => ((DateTimeOffset)column.Value(c)!).UtcDateTime).ToArray(), cancellationToken: ct));
                break;
            case ExportKind.PartialDate:
                var date = new DataField<DateOnly?>(name);
                var precision = new DataField<string>($"{name}Precision");
                yield return new Column(date, (rows, group, ct) =>
                    rows.WriteAsync<DateOnly>(date, group.Select(c => Partial(column, c)?.Value).ToArray(), cancellationToken: ct));
                yield return new Column(precision, (rows, group, _) =>
                    rows.WriteAsync(precision, group.ConvertAll(c => Partial(column, c)?.Precision.ToString().ToLowerInvariant())));
                break;
            default:
                var text = new DataField<string>(name);
                yield return new Column(text, (rows, group, _) => rows.WriteAsync(text, group.ConvertAll(c => column.Cell(c))));
                break;
        }
    }

    private static PartialDate? Partial(CaseExportColumn column, ExportedCase c) =>
        PartialDate.TryParse(column.Value(c) as string, out var date) ? date : null;
}
