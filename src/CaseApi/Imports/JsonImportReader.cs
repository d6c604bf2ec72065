using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CaseApi.Cases;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Imports;

/// <summary>
/// Reads JSON (one array of cases) and NDJSON (one case a line) imports record by record. Each record is first read
/// as a plain <see cref="JsonElement"/> and only then bound to <see cref="CaseRequest"/> with the API's strict
/// options, so a record of the wrong shape is an error for that record, not for the file.
/// </summary>
internal sealed class JsonImportReader : IImportReader
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> RecordJson = [];

    private readonly Stream body;
    private readonly JsonSerializerOptions json;
    private readonly bool oneRecordALine;

    private JsonImportReader(Stream body, JsonSerializerOptions json, bool oneRecordALine)
    {
        this.body = body;
        this.json = json;
        this.oneRecordALine = oneRecordALine;
    }

    /// <summary>A reader of one JSON array of cases, or (<paramref name="oneRecordALine"/>) of NDJSON, under the API's JSON rules.</summary>
    public static JsonImportReader Open(Stream body, JsonSerializerOptions api, bool oneRecordALine) =>
        new(body, RecordOptions(api), oneRecordALine);

    public IAsyncEnumerable<ImportRow> ReadAsync(CancellationToken ct) =>
        oneRecordALine ? ReadLinesAsync(body, json, ct) : ReadArrayAsync(body, json, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// The API's strict JSON rules, except that a case record may carry the read-only fields of an export (checked by
    /// the reader).
    /// </summary>
    private static JsonSerializerOptions RecordOptions(JsonSerializerOptions api) => RecordJson.GetValue(api, options => new(options)
    {
        TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(type =>
        {
            if (type.Type == typeof(CaseRequest)) type.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        }),
    });

    /// <summary>
    /// Streams the array's elements with System.Text.Json's reader over a buffer that only ever holds the element being
    /// read. (JsonSerializer.DeserializeAsyncEnumerable would be shorter, but it parses a whole buffer before it
    /// yields, so a syntax error would also swallow the good elements before it in the same buffer.) A syntax error
    /// leaves nowhere to resume from: it becomes the error of the record it is in, and reading stops there.
    /// </summary>
    private static async IAsyncEnumerable<ImportRow> ReadArrayAsync(
        Stream body, JsonSerializerOptions json, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var parse = new ArrayParse();
        var length = 0;
        var final = false;
        while (true)
        {
            if (!final)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var read = await body.ReadAsync(buffer.AsMemory(length), ct);
                length += read;
                final = read == 0;
            }
            var (elements, consumed, error) = parse.Next(buffer.AsSpan(0, length), final);
            foreach (var element in elements) yield return Bind(++parse.Number, element, json);
            if (error is not null)
            {
                yield return ImportRow.Broken(++parse.Number, null, null, $"{error} The rest of the file was not read.");
                yield break;
            }
            if (parse.Done) yield break;
            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
        }
    }

    /// <summary>The synchronous half of <see cref="ReadArrayAsync"/>: Utf8JsonReader is a ref struct and cannot live across an await.</summary>
    private sealed class ArrayParse
    {
        private JsonReaderState state;
        private bool started;

        public int Number { get; set; }
        public bool Done { get; private set; }

        public (List<JsonElement> Elements, int Consumed, string? Error) Next(ReadOnlySpan<byte> data, bool final)
        {
            var elements = new List<JsonElement>();
            var reader = new Utf8JsonReader(data, final, state);
            try
            {
                while (true)
                {
                    var checkpoint = reader;
                    if (!reader.Read())
                    {
                        if (final && !Done) return (elements, 0, "The file ended before the JSON array was closed.");
                        break;
                    }
                    if (!started)
                    {
                        if (reader.TokenType != JsonTokenType.StartArray) return (elements, 0, "The file must be a JSON array of cases.");
                        started = true;
                        continue;
                    }
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        Done = true;
                        continue;
                    }
                    if (!JsonDocument.TryParseValue(ref reader, out var document))
                    {
                        reader = checkpoint; // the element is not all in the buffer yet: read more and try again
                        break;
                    }
                    using (document) elements.Add(document.RootElement.Clone());
                }
            }
            catch (JsonException e)
            {
                return (elements, 0, $"The file is not valid JSON from here on (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): "
                    + ApiJson.Describe(e).Message);
            }
            state = reader.CurrentState;
            return (elements, (int)reader.BytesConsumed, null);
        }
    }

    /// <summary>One case a line; blank lines are skipped, and the record number is the line number.</summary>
    private static async IAsyncEnumerable<ImportRow> ReadLinesAsync(
        Stream body, JsonSerializerOptions json, [EnumeratorCancellation] CancellationToken ct)
    {
        using var lines = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var number = 0;
        while (await lines.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement element;
            string? broken = null;
            try
            {
                using var document = JsonDocument.Parse(line);
                element = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                element = default;
                broken = $"The line is not valid JSON: {ApiJson.Describe(e).Message}";
            }
            yield return broken is null ? Bind(number, element, json) : ImportRow.Broken(number, null, null, broken);
        }
    }

    /// <summary>
    /// Binds one record. Its property names say which fields it sets (absent ones keep their stored value in an upsert);
    /// the read-only fields of an export are accepted and ignored, except that an id is kept to be checked.
    /// </summary>
    private static ImportRow Bind(int number, JsonElement element, JsonSerializerOptions json)
    {
        try
        {
            return BindCase(number, element, json);
        }
        catch (InvalidOperationException)
        {
            // The reader checks JSON's grammar, not the UTF-8 inside strings; reading such a string as text throws.
            return ImportRow.Broken(number, null, null, "The record has a string that is not valid UTF-8.");
        }
    }

    private static ImportRow BindCase(int number, JsonElement element, JsonSerializerOptions json)
    {
        var slug = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("slug", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()
            : null;
        var present = CaseFieldMask.None;
        Guid? id = null;
        var errors = new List<ImportError>();
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!seen.Add(property.Name)) errors.Add(new ImportError(number, slug, property.Name, $"'{property.Name}' appears more than once."));
                else if (CaseColumns.ByName.TryGetValue(property.Name, out var field)) present |= field.Bit;
                else if (property.Name == "id") id = Id(property.Value, number, slug, errors);
                else if (!CaseColumns.ReadOnly.Contains(property.Name))
                {
                    errors.Add(new ImportError(
                        number, slug, property.Name, $"'{property.Name}' is not a property of a case (unknown or read-only)."));
                }
            }
        }
        if (errors.Count > 0) return new ImportRow(number, null, slug, errors, CaseFieldMask.None, null);
        try
        {
            return element.Deserialize<CaseRequest>(json) is { } request
                ? new ImportRow(number, request, request.Slug, [], present, id)
                : ImportRow.Broken(number, slug, null, "The record must be a case object, not null.");
        }
        catch (JsonException e)
        {
            var (field, message) = ApiJson.Describe(e);
            return ImportRow.Broken(number, slug, field, message);
        }
    }

    private static Guid? Id(JsonElement value, int number, string? slug, List<ImportError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id)) return id;
        errors.Add(new ImportError(number, slug, "id", "'id' must be the case's id (a UUID string) or be left out."));
        return null;
    }
}
