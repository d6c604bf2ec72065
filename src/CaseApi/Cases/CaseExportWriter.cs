using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CaseApi.ReferenceData;
using CsvHelper;

namespace CaseApi.Cases;

/// <summary>
/// Writes exported cases to the response as they arrive from the database: nothing holds more than one row (a row
/// group for Parquet, a few hundred rows of compressed sheet for .xlsx) and a small buffer, so memory stays flat however
/// many cases match. Every format carries the case's id and its derived fields (sponsorType from the reference
/// data, policy alignment, timestamps), or the columns fields= selects; imports accept and ignore the derived ones.
/// </summary>
internal static class CaseExportWriter
{
    private const int FlushBytes = 32 * 1024;

    public delegate Task<FrozenDictionary<string, Sponsor>> SponsorsReader(CancellationToken ct);

    /// <summary>Writes the cases in the export format (validated, lower case) with the columns fields= selects, or all of them.</summary>
    /// <paramref name="sponsors"/> reads the sponsors the sponsorType column comes from (the current ones, or as of a position).
    public static Task WriteAsync(Stream body, string format, IAsyncEnumerable<CaseResponse> cases, string? fields, SponsorsReader sponsors,
        JsonSerializerOptions json, CancellationToken ct) => format switch
    {
        "ndjson" => WriteJsonValuesAsync(body, cases, sponsors, json, CaseExportColumns.Names(fields), lines: true, ct),
        "json" => WriteJsonValuesAsync(body, cases, sponsors, json, CaseExportColumns.Names(fields), lines: false, ct),
        "xlsx" => CaseXlsxWriter.WriteAsync(body, WithSponsorTypesAsync(cases, sponsors, ct), CaseExportColumns.Select(fields), ct),
        "parquet" => CaseParquetWriter.WriteAsync(body, WithSponsorTypesAsync(cases, sponsors, ct), CaseExportColumns.Select(fields), ct),
        _ => WriteCsvAsync(body, WithSponsorTypesAsync(cases, sponsors, ct), CaseExportColumns.Select(fields), ct),
    };

    /// <summary>The CSV columns of <see cref="CaseCsv"/> (or those selected), formula-escaped; CsvHelper does the RFC 4180 quoting.</summary>
    private static async Task WriteCsvAsync(
        Stream body, IAsyncEnumerable<ExportedCase> cases, IReadOnlyList<CaseExportColumn> columns, CancellationToken ct)
    {
        // Async all the way: Kestrel forbids synchronous writes to the response, so the writer flushes explicitly.
        await using var text = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), FlushBytes, leaveOpen: true);
        await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
        await WriteRowAsync(csv, columns.Select(c => c.Name));
        await foreach (var c in cases.WithCancellation(ct)) await WriteRowAsync(csv, columns.Select(column => column.Cell(c)));
        await csv.FlushAsync();
        await text.FlushAsync(ct);
    }

    private static async IAsyncEnumerable<ExportedCase> WithSponsorTypesAsync(
        IAsyncEnumerable<CaseResponse> cases, SponsorsReader readSponsors, [EnumeratorCancellation] CancellationToken ct)
    {
        var sponsors = await readSponsors(ct);
        await foreach (var c in cases.WithCancellation(ct))
        {
            yield return new ExportedCase(c, c.Sponsor is { } code && sponsors.TryGetValue(code, out var sponsor) ? sponsor.Type : null);
        }
    }

    /// <summary>One case object per line (application/x-ndjson), or one JSON array written element by element.</summary>
    private static async Task WriteJsonValuesAsync(
        Stream body, IAsyncEnumerable<CaseResponse> cases, SponsorsReader sponsors, JsonSerializerOptions json, IReadOnlyList<string>? fields,
        bool lines, CancellationToken ct)
    {
        var options = WithSponsorType(json, await sponsors(ct), fields);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder });
        if (!lines) buffer.Write("["u8);
        var first = true;
        await foreach (var c in cases.WithCancellation(ct))
        {
            if (!first && !lines) buffer.Write(","u8);
            first = false;
            JsonSerializer.Serialize(writer, c, options);
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

    /// <summary>
    /// The API's JSON options plus a "sponsorType" property after "sponsor" on each exported case, then only the fields
    /// selected: System.Text.Json's contract customisation, so the case resource itself stays one shape and no row is
    /// copied to add or drop a field.
    /// </summary>
    private static JsonSerializerOptions WithSponsorType(JsonSerializerOptions json, FrozenDictionary<string, Sponsor> sponsors,
        IReadOnlyList<string>? fields) =>
        new(json)
        {
            TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(type =>
            {
                if (type.Type != typeof(CaseResponse)) return;
                var sponsorType = type.CreateJsonPropertyInfo(typeof(string), "sponsorType");
                sponsorType.Get = c => ((CaseResponse)c).Sponsor is { } code && sponsors.TryGetValue(code, out var s) ? s.Type : null;
                var after = type.Properties.Select((p, i) => (p.Name, i)).FirstOrDefault(p => p.Name == "sponsor").i;
                type.Properties.Insert(after + 1, sponsorType);
            }).WithAddedModifier(CaseExportColumns.KeepOnly(fields)),
        };

    private static Task WriteRowAsync(CsvWriter csv, IEnumerable<string?> fields)
    {
        foreach (var field in fields) csv.WriteField(CaseCsv.EscapeFormula(field));
        return csv.NextRecordAsync();
    }
}
