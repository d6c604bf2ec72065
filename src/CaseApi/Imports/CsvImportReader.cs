using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace CaseApi.Imports;

/// <summary>
/// Reads an RFC 4180 CSV import record by record with CsvHelper's parser (never the whole body), mapping the
/// columns of <see cref="CaseCsv"/> to a <see cref="CaseRequest"/>: lists split on ';', an empty cell is absent,
/// numbers are invariant, sources are a JSON array of source objects or ';'-separated URLs.
/// </summary>
internal sealed class CsvImportReader : IAsyncDisposable
{
    private readonly StreamReader text;
    private readonly CsvParser parser;
    private readonly JsonSerializerOptions json;
    private Dictionary<string, int> columns = [];
    private string? badData;

    private CsvImportReader(Stream body, JsonSerializerOptions json)
    {
        text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        parser = new CsvParser(text, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // Bad quoting is reported against its record (or the header) instead of throwing for the whole file.
            BadDataFound = args => badData ??= args.Field,
            IgnoreBlankLines = true,
        });
        this.json = json;
    }

    /// <summary>Reads the header; a missing, unknown, repeated or absent required column is a problem for the whole file.</summary>
    public static async Task<(CsvImportReader? Reader, string? HeaderProblem)> OpenAsync(Stream body, JsonSerializerOptions json)
    {
        var reader = new CsvImportReader(body, json);
        var header = await reader.parser.ReadAsync() ? reader.parser.Record ?? [] : [];
        var known = new HashSet<string>(CaseCsv.Columns, StringComparer.Ordinal);
        var problem = header.Length == 0 ? "The file is empty: the first line must be a header naming the case fields."
            : reader.badData is { } bad ? $"The header has malformed quoting near '{Shorten(bad)}': column names are plain field names (RFC 4180)."
            : header.FirstOrDefault(h => !known.Contains(h)) is { } unknown
                ? $"Unknown column '{Shorten(unknown)}'. Columns are the case field names: {string.Join(", ", CaseCsv.Columns)}."
            : header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } repeated ? $"Column '{repeated.Key}' appears more than once."
            : CaseCsv.RequiredColumns.Except(header).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } missing
                ? $"Missing required column(s): {string.Join(", ", missing)}."
            : null;
        if (problem is not null)
        {
            await reader.DisposeAsync();
            return (null, problem);
        }
        reader.columns = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i);
        return (reader, null);
    }

    public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var number = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            badData = null;
            if (!await parser.ReadAsync()) yield break;
            number++;
            yield return Map(number, parser.Record ?? []);
        }
    }

    private ImportRow Map(int number, string[] record)
    {
        string? Cell(string column) =>
            columns.TryGetValue(column, out var i) && i < record.Length && !string.IsNullOrWhiteSpace(record[i]) ? CaseCsv.UnescapeFormula(record[i]) : null;

        var slug = Cell("slug");
        if (badData is not null)
        {
            return ImportRow.Broken(number, slug, null, $"Malformed CSV quoting near '{Shorten(badData)}': a field containing quotes must be quoted, with inner quotes doubled (RFC 4180).");
        }
        if (record.Length != columns.Count)
        {
            return ImportRow.Broken(number, slug, null, $"The record has {record.Length} field(s); the header has {columns.Count}.");
        }

        var errors = new List<ImportError>();
        IReadOnlyList<string?>? List(string column) =>
            Cell(column)?.Split(CaseCsv.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } items ? items : null;
        T? Number<T>(string column, NumberStyles styles, string kind) where T : struct, INumber<T>
        {
            var cell = Cell(column);
            if (cell is null) return null;
            if (T.TryParse(cell.Trim(), styles, CultureInfo.InvariantCulture, out var value)) return value;
            errors.Add(new ImportError(number, slug, column, $"'{Shorten(cell)}' is not {kind}."));
            return null;
        }

        var request = new CaseRequest(
            slug, Cell("title"), Cell("summary"), List("activityTypes"), List("tradecraft"), Cell("sponsor"), Cell("sponsorConfidence"),
            Cell("collectorType"), Cell("collectorCitizenship"), List("defendants"), List("sectors"), List("victimTypes"), List("victims"),
            List("usStates"), Cell("venue"), Cell("activityStart"), Cell("activityEnd"), Cell("chargedOn"), Cell("resolvedOn"), Cell("outcome"),
            Number<int>("sentenceMonths", NumberStyles.Integer, "a whole number"),
            Number<decimal>("fineUsd", NumberStyles.Float, "a number"),
            Number<decimal>("lossUsd", NumberStyles.Float, "a number"),
            Sources(Cell("sources"), number, slug, errors), List("tags"), List("listedIn"));
        return new ImportRow(number, request, slug, errors);
    }

    /// <summary>The export writes sources as a JSON array (nothing lost); people writing CSV by hand list URLs.</summary>
    private List<CaseSource?>? Sources(string? cell, int number, string? slug, List<ImportError> errors)
    {
        if (cell is null) return null;
        if (!cell.TrimStart().StartsWith('['))
        {
            return [.. cell.Split(CaseCsv.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(url => new CaseSource(url))];
        }
        try
        {
            return JsonSerializer.Deserialize<List<CaseSource?>>(cell, json);
        }
        catch (JsonException e)
        {
            var (field, message) = ApiJson.Describe(e);
            errors.Add(new ImportError(number, slug, field == "$" ? "sources" : $"sources{(field.StartsWith('[') ? "" : ".")}{field}", message));
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    public ValueTask DisposeAsync()
    {
        parser.Dispose();
        text.Dispose();
        return ValueTask.CompletedTask;
    }
}
