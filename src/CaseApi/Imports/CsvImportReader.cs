using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.Infrastructure.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace CaseApi.Imports;

/// <summary>
/// Reads an RFC 4180 CSV import record by record with CsvHelper's parser (never the whole body). The header names the
/// fields the file sets, matched to the column map without regard to letter case or surrounding spaces; the read-only
/// columns of an export (id, sponsorType, …) are accepted and ignored, except that the id is checked. Lists split on
/// ';', an empty cell is null (it clears the field), numbers are invariant, sources are a JSON array of source
/// objects or ';'-separated URLs, list evidence a JSON array of evidence objects or ';'-separated "list=reference"
/// pairs, and a formula-escaping apostrophe is removed.
/// </summary>
internal sealed class CsvImportReader : IAsyncDisposable
{
    private static readonly Dictionary<string, int> Known = CaseColumns.Fields.ToDictionary(f => f.Name, f => f.Index, StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> ReadOnly = new(CaseColumns.ReadOnly, StringComparer.OrdinalIgnoreCase);

    private readonly StreamReader text;
    private readonly CsvParser parser;
    private readonly JsonSerializerOptions json;
    private (CaseField Field, int Cell)[] fields = [];
    private int idCell = -1;
    private int slugCell;
    private int present;
    private int width;
    private string? badData;

    private CsvImportReader(Stream body, char delimiter, JsonSerializerOptions json)
    {
        text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        parser = new CsvParser(text, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            // Bad quoting is reported against its record (or the header) instead of throwing for the whole file.
            BadDataFound = args => badData ??= args.Field,
            IgnoreBlankLines = true,
        });
        this.json = json;
    }

    /// <summary>
    /// Reads the header; an empty, malformed, unknown, repeated or slug-less header is a problem for the whole file. The
    /// file's first characters decide the delimiter: a header with more ';' than ',' (a European spreadsheet's CSV) is ';'-delimited.
    /// </summary>
    public static async Task<(CsvImportReader? Reader, string? HeaderProblem)> OpenAsync(Stream body, string head, JsonSerializerOptions json)
    {
        var firstLine = head.AsSpan(0, head.IndexOfAny('\r', '\n') is var end and >= 0 ? end : head.Length);
        var reader = new CsvImportReader(body, firstLine.Count(';') > firstLine.Count(',') ? ';' : ',', json);
        var header = (await reader.parser.ReadAsync() ? reader.parser.Record ?? [] : []).Select(h => h.Trim()).ToArray();
        var problem = header.Length == 0 ? "The file is empty: the first line must be a header naming the case fields."
            : reader.badData is { } bad ? $"The header has malformed quoting near '{Shorten(bad)}': column names are plain field names (RFC 4180)."
            : header.FirstOrDefault(h => !Known.ContainsKey(h) && !ReadOnly.Contains(h)) is { } unknown
                ? $"Unknown column '{Shorten(unknown)}'. Columns are the case field names: {string.Join(", ", CaseCsv.ExportColumns)}."
            : header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } repeated
                ? $"Column '{repeated.Key}' appears more than once."
            : !header.Contains("slug", StringComparer.OrdinalIgnoreCase) ? "Missing the slug column: every row is matched to a case by its slug."
            : null;
        if (problem is not null)
        {
            await reader.DisposeAsync();
            return (null, problem);
        }
        reader.width = header.Length;
        reader.fields = [.. header.Select((h, i) => (h, i)).Where(p => Known.ContainsKey(p.h)).Select(p => (CaseColumns.Fields[Known[p.h]], p.i))];
        reader.present = reader.fields.Aggregate(0, (mask, f) => mask | f.Field.Bit);
        reader.idCell = Array.FindIndex(header, h => h.Equals("id", StringComparison.OrdinalIgnoreCase));
        reader.slugCell = Array.FindIndex(header, h => h.Equals("slug", StringComparison.OrdinalIgnoreCase));
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
        string? Cell(int i) => i >= 0 && i < record.Length && !string.IsNullOrWhiteSpace(record[i]) ? CaseCsv.UnescapeFormula(record[i]) : null;

        var slug = Cell(slugCell);
        if (badData is not null)
        {
            return ImportRow.Broken(number, slug, null, $"Malformed CSV quoting near '{Shorten(badData)}': a field containing quotes must be quoted, with inner quotes doubled (RFC 4180).");
        }
        if (record.Length != width)
        {
            return ImportRow.Broken(number, slug, null, $"The record has {record.Length} field(s); the header has {width}.");
        }

        var errors = new List<ImportError>();
        var values = new object?[CaseColumns.Fields.Count];
        foreach (var (field, i) in fields)
        {
            values[field.Index] = Cell(i) is { } cell ? Parse(field, cell, number, slug, errors) : null;
        }
        Guid? id = null;
        if (Cell(idCell) is { } idText)
        {
            if (Guid.TryParse(idText.Trim(), out var parsed)) id = parsed;
            else errors.Add(new ImportError(number, slug, "id", $"'{Shorten(idText)}' is not a case id (a UUID)."));
        }
        return new ImportRow(number, CaseColumns.ToRequest(values), slug, errors, present, id);
    }

    private object? Parse(CaseField field, string cell, int number, string? slug, List<ImportError> errors)
    {
        object? Invalid(string kind)
        {
            errors.Add(new ImportError(number, slug, field.Name, $"'{Shorten(cell)}' is not {kind}."));
            return null;
        }

        return field.Kind switch
        {
            CaseFieldKind.List => cell.Split(CaseCsv.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            CaseFieldKind.Integer => int.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : Invalid("a whole number"),
            CaseFieldKind.Number => decimal.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : Invalid("a number"),
            CaseFieldKind.Sources => Objects(field, cell, url => new CaseSource(url), number, slug, errors),
            CaseFieldKind.Evidence => Objects(field, cell, ListEvidence.FromPair, number, slug, errors),
            _ => cell,
        };
    }

    /// <summary>
    /// The export writes lists of objects as a JSON array (nothing lost); people writing CSV by hand list short forms
    /// separated by ';' (a source's URL, a list's "code=reference").
    /// </summary>
    private List<T?>? Objects<T>(CaseField field, string cell, Func<string, T> shortForm, int number, string? slug, List<ImportError> errors)
    {
        if (!cell.TrimStart().StartsWith('['))
        {
            return [.. cell.Split(CaseCsv.ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(shortForm)];
        }
        try
        {
            return JsonSerializer.Deserialize<List<T?>>(cell, json);
        }
        catch (JsonException e)
        {
            var (path, message) = ApiJson.Describe(e);
            errors.Add(new ImportError(number, slug, path == "$" ? field.Name : $"{field.Name}{(path.StartsWith('[') ? "" : ".")}{path}", message));
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
