using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Imports;
using CsvHelper;
using CsvHelper.Configuration;

namespace CaseApi.Linkage;

/// <summary>One row of an upload, read: its entry for the matcher, its raw cells, and its folded name forms.</summary>
public sealed record UploadedEntry(int Row, ListEntry Entry, string Raw, IReadOnlyList<string> NameKeys);

/// <summary>
/// Reads a list's file as published into entries through the list's column mapping. The upload itself (media type,
/// a form's file part, text encodings, binary files refused) is the import pipeline's <see cref="ImportUpload"/>;
/// CSV rows come from CsvHelper's parser, JSON or NDJSON records from System.Text.Json and .xlsx rows from the case
/// import's own <see cref="XlsxSheetReader"/> (with its caps), each row kept whole as its raw JSON object. A row without
/// a reference, with a date that is no date or with a reference already seen in the file is an error of its own; the
/// others are read.
/// </summary>
internal static class ListEntryUpload
{
    public const int MaxReferenceLength = 500;

    public static async Task<(string? Format, List<UploadedEntry> Entries, List<ListEntryError> Errors, ImportRefusal? Refusal)> ReadAsync(
        string? contentType, Stream body, ListMapping mapping, ImportOptions limits, CancellationToken ct)
    {
        var (format, file, refusal) = await ImportUpload.OpenAsync(contentType, body, ct);
        if (refusal is not null) return (null, [], [], refusal);
        if (format == "xlsx")
        {
            // The import's own workbook reader, with every one of its caps: a sheet's cells as text, its first row the header.
            var (sheet, unreadable) = await XlsxSheetReader.OpenAsync(file!, limits, ct);
            if (sheet is null) return (format, [], [], unreadable);
            await using (sheet)
            {
                var read = await EntriesAsync(format, SheetRows(sheet).ToAsyncEnumerable(), mapping);
                return sheet.Refusal is { } cap ? (format, [], [], cap) : read;
            }
        }
        var (text, head, looksLike) = await ImportUpload.ReadTextAsync(file!, ct);
        if (text is null)
        {
            return (format, [], [], new ImportRefusal(ImportRefusalReason.NotAnImportFormat, "The file is not text.",
                $"The file was sent as {format} but looks like {looksLike}."));
        }
        return await EntriesAsync(format!, format == "csv" ? CsvRowsAsync(text, head, ct) : JsonRowsAsync(text, format == "ndjson", ct), mapping);
    }

    private static async Task<(string? Format, List<UploadedEntry> Entries, List<ListEntryError> Errors, ImportRefusal? Refusal)> EntriesAsync(
        string format, IAsyncEnumerable<(int Number, JsonObject? Row, string? Problem)> rows, ListMapping mapping)
    {
        var entries = new List<UploadedEntry>();
        var errors = new List<ListEntryError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[]? columns = null;
        try
        {
            await foreach (var (number, row, problem) in rows)
            {
                if (columns is null && row is not null)
                {
                    columns = [.. row.Select(p => p.Key)];
                    if (format is "csv" or "xlsx" && MissingColumn(mapping, columns) is { } missing)
                    {
                        return (format, [], [], Malformed($"The mapping names the column '{missing}', which the header does not have. " +
                            $"The header has: {string.Join(", ", columns)}."));
                    }
                }
                if (problem is not null) errors.Add(new ListEntryError(number, null, null, problem));
                else if (Map(number, row!, mapping, errors) is { } entry)
                {
                    if (seen.Add(entry.Entry.Reference)) entries.Add(entry);
                    else errors.Add(new ListEntryError(number, entry.Entry.Reference, mapping.Reference, "The reference appears in an earlier row."));
                }
            }
        }
        catch (RefusedException e)
        {
            return (format, [], [], Malformed(e.Message));
        }
        return (format, entries, errors, null);
    }

    /// <summary>
    /// A sheet's rows as the CSV's: the first row names the columns, each later row is an object of its cells' text under
    /// those names, numbered as the sheet numbers it. Empty rows are skipped; a value in a column without a name is the row's error.
    /// </summary>
    private static IEnumerable<(int Number, JsonObject? Row, string? Problem)> SheetRows(XlsxSheetReader sheet)
    {
        var first = sheet.NextRow();
        if (first is null && sheet.Refusal is not null) yield break;
        var header = first?.Cells.Select(c => c?.Trim() ?? "").Reverse().SkipWhile(c => c.Length == 0).Reverse().ToList() ?? [];
        if (first?.Error is not null || header.Count == 0 || header.Any(h => h.Length == 0)
            || header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            throw new RefusedException(first?.Error ?? "The first row of the sheet must name every column once.");
        }
        while (sheet.NextRow() is { } row)
        {
            if (row.Error is not null)
            {
                yield return (row.Number, null, $"{row.Error} The rest of the sheet was not read.");
                yield break;
            }
            if (row.Cells.All(string.IsNullOrWhiteSpace)) continue;
            if (row.Cells.Skip(header.Count).Any(c => !string.IsNullOrWhiteSpace(c)))
            {
                yield return (row.Number, null, $"The row has a value beyond the {header.Count} named column(s).");
                continue;
            }
            var entry = new JsonObject();
            for (var i = 0; i < header.Count; i++)
            {
                entry[header[i]] = i < row.Cells.Count && !string.IsNullOrEmpty(row.Cells[i]) ? row.Cells[i] : null;
            }
            yield return (row.Number, entry, null);
        }
    }

    private static string? MissingColumn(ListMapping mapping, string[] columns) =>
        new[] { mapping.Reference, mapping.Names, mapping.Date, mapping.Headline, mapping.Places }.OfType<string>()
            .FirstOrDefault(c => !columns.Contains(c, StringComparer.OrdinalIgnoreCase));

    private static UploadedEntry? Map(int number, JsonObject row, ListMapping mapping, List<ListEntryError> errors)
    {
        string? Cell(string? column) => column is null ? null
            : row.FirstOrDefault(p => string.Equals(p.Key, column, StringComparison.OrdinalIgnoreCase)).Value is { } v
              && (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()) is { } s && !string.IsNullOrWhiteSpace(s)
                ? s.Trim() : null;

        var reference = Cell(mapping.Reference);
        if (reference is null)
        {
            errors.Add(new ListEntryError(number, null, mapping.Reference, "The entry has no reference."));
            return null;
        }
        if (reference.Length > MaxReferenceLength)
        {
            errors.Add(new ListEntryError(number, reference[..40], mapping.Reference,
                $"The reference is longer than {MaxReferenceLength} characters."));
            return null;
        }
        PartialDate? date = null;
        if (Cell(mapping.Date) is { } dateText)
        {
            if (PartialDate.TryParse(dateText.Length > 10 && dateText[10] == 'T' ? dateText[..10] : dateText, out var parsed)) date = parsed;
            else
            {
                errors.Add(new ListEntryError(number, reference, mapping.Date, $"'{dateText}' is not a date (yyyy, yyyy-mm or yyyy-mm-dd)."));
                return null;
            }
        }
        var entry = new ListEntry(reference, Cell(mapping.Names), date, Cell(mapping.Headline), Cell(mapping.Places), mapping.NameOrder);
        var keys = NameNormaliser.ParsePeople(entry.Names, entry.NameOrder).Select(n => n.Key).Distinct(StringComparer.Ordinal).ToList();
        return new UploadedEntry(number, entry, row.ToJsonString(), keys);
    }

    private static async IAsyncEnumerable<(int Number, JsonObject? Row, string? Problem)> CsvRowsAsync(
        Stream text, string head, [EnumeratorCancellation] CancellationToken ct)
    {
        var firstLine = head.AsSpan(0, head.IndexOfAny('\r', '\n') is var end and >= 0 ? end : head.Length);
        string? badData = null;
        using var reader = new StreamReader(text, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = firstLine.Count(';') > firstLine.Count(',') ? ";" : ",",
            BadDataFound = args => badData ??= args.Field,
            IgnoreBlankLines = true,
        });
        if (!await parser.ReadAsync()) throw new RefusedException("The file is empty: the first row must be a header naming the columns.");
        var header = parser.Record ?? [];
        if (badData is not null || header.Any(string.IsNullOrWhiteSpace)
            || header.GroupBy(h => h.Trim(), StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            throw new RefusedException("The header must name every column once, in plain text (RFC 4180).");
        }
        var number = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            badData = null;
            if (!await parser.ReadAsync()) yield break;
            number++;
            var record = parser.Record ?? [];
            if (badData is not null) yield return (number, null, $"Malformed CSV quoting near '{ImportHeader.Shorten(badData)}'.");
            else if (record.Length != header.Length)
            {
                yield return (number, null, $"The record has {record.Length} field(s); the header has {header.Length}.");
            }
            else
            {
                var row = new JsonObject();
                for (var i = 0; i < header.Length; i++) row[header[i].Trim()] = record[i].Length == 0 ? null : CaseCsv.UnescapeFormula(record[i]);
                yield return (number, row, null);
            }
        }
    }

    private static async IAsyncEnumerable<(int Number, JsonObject? Row, string? Problem)> JsonRowsAsync(
        Stream text, bool oneRecordALine, [EnumeratorCancellation] CancellationToken ct)
    {
        var number = 0;
        if (oneRecordALine)
        {
            using var reader = new StreamReader(text, Encoding.UTF8);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                number++;
                yield return Record(number, () => JsonNode.Parse(line));
            }
            yield break;
        }
        JsonNode? document;
        try
        {
            document = await JsonNode.ParseAsync(text, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            throw new RefusedException($"The file is not a JSON array of objects: {e.Message}");
        }
        if (document is not JsonArray array) throw new RefusedException("The file is not a JSON array of objects.");
        foreach (var item in array)
        {
            number++;
            yield return Record(number, () => item?.DeepClone());
        }
    }

    private static (int, JsonObject?, string?) Record(int number, Func<JsonNode?> parse)
    {
        try
        {
            return parse() is JsonObject row ? (number, row, null) : (number, null, "The record is not a JSON object.");
        }
        catch (JsonException e)
        {
            return (number, null, $"The record is not valid JSON: {e.Message}");
        }
    }

    private static ImportRefusal Malformed(string detail) => new(ImportRefusalReason.Malformed, "The file cannot be read.", detail);

    private sealed class RefusedException(string message) : Exception(message);
}
