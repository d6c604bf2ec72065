using System.Text;
using CaseApi.Cases;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CaseApi.Imports;

/// <summary>
/// Opens an import upload: the file itself, or the one file part of a multipart/form-data form (a browser form,
/// Swagger UI's file button), with its format from the media type or, failing that, the file name. The first bytes
/// of a text format are looked at before any parser sees them: a file that is plainly not text (an .xlsx posted as
/// CSV) is named rather than parsed, and every text encoding accepted (UTF-8 with or without BOM, UTF-16 with BOM) reaches the
/// readers as UTF-8 without a byte order mark. Only a small prefix is held; the rest still streams.
/// </summary>
internal static class ImportUpload
{
    private const int PrefixBytes = 4096;

    public static readonly IReadOnlyList<(string Format, string MediaType, string[] OtherTypes, string[] Extensions)> Formats =
    [
        ("csv", "text/csv", ["application/csv", "text/comma-separated-values"], [".csv", ".txt"]),
        ("json", "application/json", ["text/json"], [".json"]),
        ("ndjson", "application/x-ndjson", ["application/ndjson", "application/jsonl", "application/x-jsonlines"], [".ndjson", ".jsonl"]),
        ("xlsx", Spreadsheet.MediaType, [], [".xlsx"]),
    ];

    private static readonly (byte[] Magic, string What)[] Signatures =
    [
        ("PK\u0003\u0004"u8.ToArray(), "a ZIP archive (such as an .xlsx, .docx or .zip file)"),
        ([0xD0, 0xCF, 0x11, 0xE0], "an OLE compound document (such as a legacy .xls or .doc file)"),
        ("%PDF"u8.ToArray(), "a PDF document"),
        ([0x1F, 0x8B], "gzip-compressed data"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
    ];

    public static string Accepted => string.Join(", ", Formats.Select(f => f.MediaType)) + " or multipart/form-data with one file part";

    /// <summary>The file's format and body, from the body and its media type; a refusal when there is no file of a format we read.</summary>
    public static async Task<(string? Format, Stream? Body, ImportRefusal? Refusal)> OpenAsync(
        string? contentType, Stream body, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || type.MediaType.Value is not { } mediaType)
        {
            return (null, null, Unsupported($"Send the file as {Accepted}."));
        }
        if (!mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return ByMediaType(mediaType) is { } format
                ? (format, body, null)
                : (null, null, Unsupported($"'{mediaType}' is not an import format; send {Accepted}."));
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return (null, null, Unsupported("The multipart/form-data body has no boundary."));
        var form = new MultipartReader(boundary, body);
        try
        {
            while (await form.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition()) continue;
                var fileName = HeaderUtilities
                    .RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                var format = (section.ContentType is { } partType ? ByMediaType(partType) : null) ?? ByExtension(Path.GetExtension(fileName));
                return format is null
                    ? (null, null, Unsupported(
                        $"The file part '{fileName}' ({section.ContentType ?? "no type"}) is not CSV, JSON, NDJSON or XLSX by its type or name."))
                    : (format, section.Body, null);
            }
        }
        catch (IOException e)
        {
            return (null, null, new ImportRefusal(ImportRefusalReason.Malformed, "The form is malformed.", e.Message));
        }
        return (null, null, new ImportRefusal(ImportRefusalReason.FormWithoutFile, "The form has no file.",
            "Send one file part (Content-Disposition: form-data; name=\"file\"; filename=\"cases.csv\")."));
    }

    /// <summary>The body as UTF-8 text and its first characters, or what it looks like when it is not text at all.</summary>
    public static async Task<(Stream? Text, string Head, string? LooksLike)> ReadTextAsync(Stream body, CancellationToken ct)
    {
        var prefix = new byte[PrefixBytes];
        var length = 0;
        int read;
        while (length < prefix.Length && (read = await body.ReadAsync(prefix.AsMemory(length), ct)) > 0) length += read;
        var head = prefix.AsSpan(0, length);

        if (head.StartsWith("\uFEFF"u8)) return (new PrefixedStream(prefix[3..length], body), Encoding.UTF8.GetString(head[3..]), null);
        if (head.StartsWith([(byte)0xFF, (byte)0xFE]) || head.StartsWith([(byte)0xFE, (byte)0xFF]))
        {
            // UTF-16 with its byte order mark: transcoded as it streams; the decoder drops the mark.
            var utf16 = head[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            var text = Encoding.CreateTranscodingStream(new PrefixedStream(prefix[..length], body), utf16, Encoding.UTF8);
            return (text, utf16.GetString(head[2..]), null);
        }
        foreach (var (magic, what) in Signatures)
        {
            if (head.StartsWith(magic)) return (null, "", what);
        }
        if (head.Contains((byte)0)) return (null, "", "binary data (it contains NUL bytes), not text");
        return (new PrefixedStream(prefix[..length], body), Encoding.UTF8.GetString(head), null);
    }

    private static string? ByMediaType(string mediaType) =>
        Formats.FirstOrDefault(f => f.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase)
            || f.OtherTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase)).Format;

    private static string? ByExtension(string extension) =>
        Formats.FirstOrDefault(f => f.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase)).Format;

    private static ImportRefusal Unsupported(string detail) => new(ImportRefusalReason.NotAnImportFormat, "Unsupported media type.", detail);

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
