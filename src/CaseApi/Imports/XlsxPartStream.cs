namespace CaseApi.Imports;

/// <summary>
/// A part of a workbook as it inflates, counted: no run of bytes between two '&lt;' may be longer than
/// <see cref="XlsxSheetReader.MaxTokenBytes"/>. An XML reader holds a whole tag (a start tag with every attribute) or
/// a whole text node while it parses it, and neither can contain a '&lt;' (XML 1.0, AttValue and CharData), so this bounds
/// the memory of every token before the reader sees it; cell texts are bounded again, in characters, as they are read.
/// </summary>
internal sealed class XlsxPartStream(Stream inner, string part) : Stream
{
    private long run;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        var rest = buffer[..read];
        while (rest.IndexOf((byte)'<') is var next and >= 0)
        {
            if (run + next > XlsxSheetReader.MaxTokenBytes) throw TooLong();
            run = 0;
            rest = rest[(next + 1)..];
        }
        run += rest.Length;
        return run > XlsxSheetReader.MaxTokenBytes ? throw TooLong() : read;
    }

    private XlsxSheetReader.Refused TooLong() => new(XlsxSheetReader.TooLarge(
        $"The part {part} has more than {XlsxSheetReader.MaxTokenBytes:N0} bytes between two tags: longer than any tag or cell a "
        + "spreadsheet writes (a cell holds at most 32,767 characters)."));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
