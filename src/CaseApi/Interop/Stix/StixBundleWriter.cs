using System.Buffers;
using System.Text.Json;

namespace CaseApi.Interop.Stix;

/// <summary>
/// Writes one STIX 2.1 bundle to the response object by object: a <see cref="Utf8JsonWriter"/> over a small buffer that is
/// drained to the response whenever it passes <see cref="FlushBytes"/>, so memory stays flat however many objects follow.
/// </summary>
internal sealed class StixBundleWriter : IAsyncDisposable
{
    public const int FlushBytes = 32 * 1024;

    private readonly Stream body;
    private readonly ArrayBufferWriter<byte> buffer = new(FlushBytes * 2);

    public StixBundleWriter(Stream body, string bundleId)
    {
        this.body = body;
        Json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false });
        Json.WriteStartObject();
        Json.WriteString("type", "bundle");
        Json.WriteString("id", bundleId);
        Json.WriteStartArray("objects");
    }

    /// <summary>The writer the mapping writes each object with, between <see cref="FlushIfFullAsync"/> calls.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>Hands what has collected to the response once it passes the flush size.</summary>
    public async ValueTask FlushIfFullAsync(CancellationToken ct)
    {
        await Json.FlushAsync(ct);
        if (buffer.WrittenCount < FlushBytes) return;
        await body.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }

    /// <summary>Closes the array and the bundle and writes the rest.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        Json.WriteEndArray();
        Json.WriteEndObject();
        await Json.FlushAsync(ct);
        await body.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }

    public ValueTask DisposeAsync() => Json.DisposeAsync();
}
