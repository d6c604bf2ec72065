using System.Net;

namespace CaseApi.Tests.Infrastructure;

/// <summary>A request body written while it is sent (chunked, no length), so a test decides when the service has seen what.</summary>
public sealed class StreamingNdjson : HttpContent
{
    private readonly Func<Stream, Task> write;

    public StreamingNdjson(Func<Stream, Task> write)
    {
        this.write = write;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
