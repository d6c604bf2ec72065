using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace CaseApi.Cases;

/// <summary>
/// Writes exported cases to the response as they arrive from the database: nothing holds more than one row and a
/// small buffer, so memory stays flat however many cases match.
/// </summary>
internal static class CaseExportWriter
{
    private const int FlushBytes = 32 * 1024;

    /// <summary>The import columns of docs/design.md (<see cref="CaseCsv"/>), so that an export re-imports as unchanged. CsvHelper does the RFC 4180 quoting.</summary>
    public static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<CaseResponse> cases, CancellationToken ct)
    {
        // Async all the way: Kestrel forbids synchronous writes to the response, so the writer flushes explicitly.
        await using var text = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), FlushBytes, leaveOpen: true);
        await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
        await WriteRowAsync(csv, [.. CaseCsv.Columns]);
        await foreach (var c in cases.WithCancellation(ct))
        {
            await WriteRowAsync(csv, Fields(c));
        }
        await csv.FlushAsync();
        await text.FlushAsync(ct);
    }

    /// <summary>One case object per line (application/x-ndjson).</summary>
    public static Task WriteNdjsonAsync(Stream body, IAsyncEnumerable<CaseResponse> cases, JsonSerializerOptions json, CancellationToken ct) =>
        WriteJsonValuesAsync(body, cases, json, lines: true, ct);

    /// <summary>One JSON array, written element by element.</summary>
    public static Task WriteJsonArrayAsync(Stream body, IAsyncEnumerable<CaseResponse> cases, JsonSerializerOptions json, CancellationToken ct) =>
        WriteJsonValuesAsync(body, cases, json, lines: false, ct);

    private static async Task WriteJsonValuesAsync(
        Stream body, IAsyncEnumerable<CaseResponse> cases, JsonSerializerOptions json, bool lines, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder });
        if (!lines) buffer.Write("["u8);
        var first = true;
        await foreach (var c in cases.WithCancellation(ct))
        {
            if (!first && !lines) buffer.Write(","u8);
            first = false;
            JsonSerializer.Serialize(writer, c, json);
            writer.Flush();
            writer.Reset(buffer);
            if (lines) buffer.Write("\n"u8);
            if (buffer.WrittenCount >= FlushBytes)
            {
                await body.WriteAsync(buffer.WrittenMemory, ct);
                buffer.ResetWrittenCount();
            }
        }
        if (!lines) buffer.Write("]"u8);
        await body.WriteAsync(buffer.WrittenMemory, ct);
    }

    private static string?[] Fields(CaseResponse c) =>
    [
        c.Slug, c.Title, c.Summary, List(c.ActivityTypes), List(c.Tradecraft), c.Sponsor, c.SponsorConfidence, c.CollectorType,
        c.CollectorCitizenship, List(c.Defendants), List(c.Sectors), List(c.VictimTypes), List(c.Victims), List(c.UsStates), c.Venue,
        c.ActivityStart, c.ActivityEnd, c.ChargedOn, c.ResolvedOn, c.Outcome,
        c.SentenceMonths?.ToString(CultureInfo.InvariantCulture), c.FineUsd?.ToString(CultureInfo.InvariantCulture), c.LossUsd?.ToString(CultureInfo.InvariantCulture),
        c.Sources.Count == 0 ? null : JsonSerializer.Serialize(c.Sources, CaseConfiguration.SourceJson),
        List(c.Tags), List(c.ListedIn),
    ];

    private static Task WriteRowAsync(CsvWriter csv, string?[] fields)
    {
        foreach (var field in fields) csv.WriteField(CaseCsv.EscapeFormula(field));
        return csv.NextRecordAsync();
    }

    private static string List(IReadOnlyList<string> values) => string.Join(CaseCsv.ListSeparator, values);
}
