using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CaseApi.ReferenceData;
using CsvHelper;

namespace CaseApi.Cases;

/// <summary>
/// Writes exported cases to the response as they arrive from the database: nothing holds more than one row and a
/// small buffer, so memory stays flat however many cases match. Every format carries the case's id and its derived
/// fields (sponsorType from the cached reference codes, policy alignment, timestamps); imports accept and ignore them.
/// </summary>
internal static class CaseExportWriter
{
    private const int FlushBytes = 32 * 1024;

    /// <summary>The CSV columns of <see cref="CaseCsv"/>, formula-escaped; CsvHelper does the RFC 4180 quoting.</summary>
    public static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<CaseResponse> cases, ReferenceCodes codes, CancellationToken ct)
    {
        var sponsors = (await codes.GetAsync(ct)).Sponsors;
        // Async all the way: Kestrel forbids synchronous writes to the response, so the writer flushes explicitly.
        await using var text = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), FlushBytes, leaveOpen: true);
        await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
        await WriteRowAsync(csv, CaseCsv.ExportColumns);
        await foreach (var c in cases.WithCancellation(ct))
        {
            string?[] derived =
            [
                c.Sponsor is { } code && sponsors.TryGetValue(code, out var sponsor) ? sponsor.Type : null,
                c.PolicyAligned ? "true" : "false", string.Join(CaseCsv.ListSeparator, c.AlignedPolicies),
                c.CreatedAt.ToString("O", CultureInfo.InvariantCulture), c.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            ];
            await WriteRowAsync(csv, [c.Id.ToString(), .. CaseColumns.Fields.Select(f => f.ToCell(c)), .. derived]);
        }
        await csv.FlushAsync();
        await text.FlushAsync(ct);
    }

    /// <summary>One case object per line (application/x-ndjson).</summary>
    public static Task WriteNdjsonAsync(Stream body, IAsyncEnumerable<CaseResponse> cases, ReferenceCodes codes, JsonSerializerOptions json, CancellationToken ct) =>
        WriteJsonValuesAsync(body, cases, codes, json, lines: true, ct);

    /// <summary>One JSON array, written element by element.</summary>
    public static Task WriteJsonArrayAsync(Stream body, IAsyncEnumerable<CaseResponse> cases, ReferenceCodes codes, JsonSerializerOptions json, CancellationToken ct) =>
        WriteJsonValuesAsync(body, cases, codes, json, lines: false, ct);

    private static async Task WriteJsonValuesAsync(
        Stream body, IAsyncEnumerable<CaseResponse> cases, ReferenceCodes codes, JsonSerializerOptions json, bool lines, CancellationToken ct)
    {
        var options = WithSponsorType(json, (await codes.GetAsync(ct)).Sponsors);
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
    /// The API's JSON options plus a "sponsorType" property after "sponsor" on each exported case: System.Text.Json's
    /// contract customisation, so the case resource itself stays one shape and no row is copied to add a field.
    /// </summary>
    private static JsonSerializerOptions WithSponsorType(JsonSerializerOptions json, FrozenDictionary<string, Sponsor> sponsors) =>
        new(json)
        {
            TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(type =>
            {
                if (type.Type != typeof(CaseResponse)) return;
                var sponsorType = type.CreateJsonPropertyInfo(typeof(string), "sponsorType");
                sponsorType.Get = c => ((CaseResponse)c).Sponsor is { } code && sponsors.TryGetValue(code, out var s) ? s.Type : null;
                var after = type.Properties.Select((p, i) => (p.Name, i)).FirstOrDefault(p => p.Name == "sponsor").i;
                type.Properties.Insert(after + 1, sponsorType);
            }),
        };

    private static Task WriteRowAsync(CsvWriter csv, IEnumerable<string?> fields)
    {
        foreach (var field in fields) csv.WriteField(CaseCsv.EscapeFormula(field));
        return csv.NextRecordAsync();
    }
}
