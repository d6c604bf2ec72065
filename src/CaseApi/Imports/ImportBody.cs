using System.Text;

namespace CaseApi.Imports;

/// <summary>
/// The first bytes of an import body, looked at before any parser sees it: a file that is plainly not text (an
/// .xlsx posted as CSV) is named rather than parsed, and every text encoding we accept reaches the readers as UTF-8
/// without a byte order mark. Only a small prefix is held; the rest still streams.
/// </summary>
internal static class ImportBody
{
    private const int PrefixBytes = 4096;

    private static readonly (byte[] Magic, string What)[] Signatures =
    [
        ("PK\u0003\u0004"u8.ToArray(), "a ZIP archive (such as an .xlsx, .docx or .zip file)"),
        ([0xD0, 0xCF, 0x11, 0xE0], "an OLE compound document (such as a legacy .xls or .doc file)"),
        ("%PDF"u8.ToArray(), "a PDF document"),
        ([0x1F, 0x8B], "gzip-compressed data"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
    ];

    /// <summary>The body as UTF-8 text, or what it looks like when it is not text at all.</summary>
    public static async Task<(Stream? Text, string? LooksLike)> OpenAsync(Stream body, CancellationToken ct)
    {
        var prefix = new byte[PrefixBytes];
        var length = 0;
        int read;
        while (length < prefix.Length && (read = await body.ReadAsync(prefix.AsMemory(length), ct)) > 0) length += read;
        var head = prefix.AsSpan(0, length);

        if (head.StartsWith("\uFEFF"u8)) return (new PrefixedStream(prefix[3..length], body), null);
        if (head.StartsWith([(byte)0xFF, (byte)0xFE]) || head.StartsWith([(byte)0xFE, (byte)0xFF]))
        {
            // UTF-16 with its byte order mark: transcoded as it streams; the decoder drops the mark.
            var utf16 = head[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return (Encoding.CreateTranscodingStream(new PrefixedStream(prefix[..length], body), utf16, Encoding.UTF8), null);
        }
        foreach (var (magic, what) in Signatures)
        {
            if (head.StartsWith(magic)) return (null, what);
        }
        if (head.Contains((byte)0)) return (null, "binary data (it contains NUL bytes), not text");
        return (new PrefixedStream(prefix[..length], body), null);
    }

    /// <summary>A read-only stream that replays the bytes already read, then reads on from the body.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (position < prefix.Length) return Replay(buffer);
            return rest.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            position < prefix.Length ? Replay(buffer.Span) : await rest.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Replay(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, prefix.Length - position);
            prefix.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
