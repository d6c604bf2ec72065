namespace CaseApi.Cases;

/// <summary>
/// Collects what a synchronous writer (the ZIP archive under an .xlsx, the Parquet encoder) writes, for the export to
/// drain to the response asynchronously after each batch of rows: Kestrel refuses synchronous writes, and the buffer
/// never holds more than one batch. It is forward-only, like the response, and counts what it has taken.
/// </summary>
internal sealed class ExportBuffer : Stream
{
    private readonly MemoryStream pending = new();
    private long written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => written; set => throw new NotSupportedException(); }

    /// <summary>Writes what has collected to the response and empties the buffer.</summary>
    public async Task DrainAsync(Stream body, CancellationToken ct)
    {
        if (pending.Length == 0) return;
        await body.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), ct);
        pending.SetLength(0);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pending.Write(buffer);
        written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) pending.Dispose();
        base.Dispose(disposing);
    }
}
