using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CaseApi.Entities;
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

    /// <summary>Opens the reader of the exported cases' entity links, on a connection of its own.</summary>
    public delegate Task<CaseEntityIdsReader> EntityIdsOpener(CancellationToken ct);

    /// <summary>Writes the cases in the export format (validated, lower case) with the columns fields= selects, or all of them.</summary>
    /// <paramref name="sponsors"/> reads the sponsors the sponsorType column comes from (the current ones, or as of a position);
    /// <paramref name="entityIds"/> the links the entity id columns (defendantEntityIds, …) come from (read only when selected).
    public static Task WriteAsync(Stream body, string format, IAsyncEnumerable<CaseResponse> cases, string? fields, SponsorsReader sponsors,
        EntityIdsOpener entityIds, JsonSerializerOptions json, CancellationToken ct)
    {
        var names = CaseExportColumns.Names(fields);
        var linked = names is null || names.Contains("defendantEntityIds") || names.Contains("victimEntityIds");
        var exported = ExportedAsync(cases, sponsors, linked ? entityIds : null, ct);
        return format switch
        {
            "ndjson" => WriteJsonValuesAsync(body, exported, json, names, lines: true, ct),
            "json" => WriteJsonValuesAsync(body, exported, json, names, lines: false, ct),
            "xlsx" => CaseXlsxWriter.WriteAsync(body, exported, CaseExportColumns.Select(fields), ct),
            "parquet" => CaseParquetWriter.WriteAsync(body, exported, CaseExportColumns.Select(fields), ct),
            _ => WriteCsvAsync(body, exported, CaseExportColumns.Select(fields), ct),
        };
    }

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

    /// <summary>
    /// The cases with their derived values, in batches of <see cref="CaseEntityIdsReader.BatchSize"/>: the batch's entity links are
    /// read in one statement beside the stream, so memory holds at most one batch.
    /// </summary>
    private static async IAsyncEnumerable<ExportedCase> ExportedAsync(IAsyncEnumerable<CaseResponse> cases, SponsorsReader readSponsors,
        EntityIdsOpener? openEntityIds, [EnumeratorCancellation] CancellationToken ct)
    {
        var sponsors = await readSponsors(ct);
        await using var entityIds = openEntityIds is null ? null : await openEntityIds(ct);
        var batch = new List<CaseResponse>(CaseEntityIdsReader.BatchSize);
        await foreach (var c in cases.WithCancellation(ct))
        {
            batch.Add(c);
            if (batch.Count < CaseEntityIdsReader.BatchSize) continue;
            foreach (var e in await ExportedAsync(batch, sponsors, entityIds, ct)) yield return e;
            batch.Clear();
        }
        foreach (var e in await ExportedAsync(batch, sponsors, entityIds, ct)) yield return e;
    }

    private static async Task<IEnumerable<ExportedCase>> ExportedAsync(
        List<CaseResponse> batch, FrozenDictionary<string, Sponsor> sponsors, CaseEntityIdsReader? entityIds, CancellationToken ct)
    {
        var links = entityIds is null || batch.Count == 0 ? null : await entityIds.ReadAsync([.. batch.Select(c => c.Id)], ct);
        return batch.ConvertAll(c => new ExportedCase(c, c.Sponsor is { } code && sponsors.TryGetValue(code, out var sponsor) ? sponsor.Type : null,
            links?.GetValueOrDefault(c.Id) ?? CaseEntityIds.None));
    }

    /// <summary>One case object per line (application/x-ndjson), or one JSON array written element by element.</summary>
    private static async Task WriteJsonValuesAsync(
        Stream body, IAsyncEnumerable<ExportedCase> cases, JsonSerializerOptions json, IReadOnlyList<string>? fields, bool lines,
        CancellationToken ct)
    {
        var current = default(ExportedCase);
        var options = WithExportColumns(json, () => current, fields);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder });
        if (!lines) buffer.Write("["u8);
        var first = true;
        await foreach (var c in cases.WithCancellation(ct))
        {
            if (!first && !lines) buffer.Write(","u8);
            first = false;
            current = c;
            JsonSerializer.Serialize(writer, c.Case, options);
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
    /// The API's JSON options plus the export's own properties on each case ("sponsorType" after "sponsor", "defendantEntityIds" and
    /// "victimEntityIds" after the names), read from the case being written, then only the fields selected: System.Text.Json's
    /// contract customisation, so the case resource itself stays one shape and no row is copied to add or drop a field.
    /// </summary>
    private static JsonSerializerOptions WithExportColumns(JsonSerializerOptions json, Func<ExportedCase> current, IReadOnlyList<string>? fields) =>
        new(json)
        {
            TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(type =>
            {
                if (type.Type != typeof(CaseResponse)) return;
                Insert(type, "sponsor", typeof(string), "sponsorType", () => current().SponsorType);
                foreach (var r in EntityCodes.NamedRoles)
                {
                    Insert(type, r.Field, typeof(IReadOnlyList<string>), r.IdsField, () => current().Entities.Of(r.Role));
                }
            }).WithAddedModifier(CaseExportColumns.KeepOnly(fields)),
        };

    private static void Insert(JsonTypeInfo type, string after, Type valueType, string name, Func<object?> value)
    {
        var property = type.CreateJsonPropertyInfo(valueType, name);
        property.Get = _ => value();
        type.Properties.Insert(type.Properties.Select((p, i) => (p.Name, i)).FirstOrDefault(p => p.Name == after).i + 1, property);
    }

    private static Task WriteRowAsync(CsvWriter csv, IEnumerable<string?> fields)
    {
        foreach (var field in fields) csv.WriteField(CaseCsv.EscapeFormula(field));
        return csv.NextRecordAsync();
    }
}
