using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CaseApi.Cases;
using CsvHelper;
using CsvHelper.Configuration;

namespace CaseApi.Imports;

/// <summary>
/// Reads an RFC 4180 CSV import record by record with CsvHelper's parser (never the whole body); the header and the
/// cell rules are <see cref="ImportHeader"/>'s, shared with the spreadsheet reader. CSV adds only its own concerns:
/// the delimiter, quoting errors, records of the wrong width, and the formula-escaping apostrophe of an export.
/// </summary>
internal sealed class CsvImportReader : IImportReader
{
    private readonly StreamReader text;
    private readonly CsvParser parser;
    private readonly JsonSerializerOptions json;
    private ImportHeader header = null!;
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
    /// Reads the header; a malformed one, or one <see cref="ImportHeader"/> refuses, is a problem for the whole file. The
    /// file's first characters decide the delimiter: a header with more ';' than ',' (a European spreadsheet's CSV) is ';'-delimited.
    /// </summary>
    public static async Task<(CsvImportReader? Reader, string? HeaderProblem)> OpenAsync(Stream body, string head, JsonSerializerOptions json)
    {
        var firstLine = head.AsSpan(0, head.IndexOfAny('\r', '\n') is var end and >= 0 ? end : head.Length);
        var reader = new CsvImportReader(body, firstLine.Count(';') > firstLine.Count(',') ? ';' : ',', json);
        var names = await reader.parser.ReadAsync() ? reader.parser.Record ?? [] : [];
        var (header, problem) = reader.badData is { } bad
            ? (null, $"The header has malformed quoting near '{ImportHeader.Shorten(bad)}': column names are plain field names (RFC 4180).")
            : ImportHeader.Parse(names);
        if (header is null)
        {
            await reader.DisposeAsync();
            return (null, problem);
        }
        reader.header = header;
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
        var cells = Array.ConvertAll(record, cell => string.IsNullOrWhiteSpace(cell) ? null : CaseCsv.UnescapeFormula(cell));
        if (badData is not null)
        {
            return ImportRow.Broken(number, header.SlugOf(cells), null,
                $"Malformed CSV quoting near '{ImportHeader.Shorten(badData)}': "
                + "a field containing quotes must be quoted, with inner quotes doubled (RFC 4180).");
        }
        return record.Length != header.Width
            ? ImportRow.Broken(number, header.SlugOf(cells), null, $"The record has {record.Length} field(s); the header has {header.Width}.")
            : header.Map(number, cells, json);
    }

    public ValueTask DisposeAsync()
    {
        parser.Dispose();
        text.Dispose();
        return ValueTask.CompletedTask;
    }
}
