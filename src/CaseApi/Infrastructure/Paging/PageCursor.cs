using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CaseApi.Infrastructure.Paging;

/// <summary>
/// The one cursor codec of every keyset-paged list. A cursor is the last row's position (a small record per list) as
/// base64url JSON plus a truncated HMAC over the position's type and payload. Cursors are not secrets; the MAC (with a
/// fixed key, so every replica accepts every cursor) turns an edited cursor, or one from another list, into a clean
/// 400 instead of a page that starts at a made-up position.
/// </summary>
public static class PageCursor
{
    /// <summary>Longer input is refused before any decoding; real cursors are a few hundred characters at most.</summary>
    public const int MaxLength = 1000;

    private static readonly byte[] Key = "CaseApi keyset cursor v1"u8.ToArray();
    private const int MacBytes = 12;

    public static string Encode<TPosition>(TPosition position) where TPosition : class
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(position);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Mac<TPosition>(payload))}";
    }

    /// <summary>False for anything this codec did not make for this kind of position, never an exception.</summary>
    public static bool TryDecode<TPosition>(string? text, [NotNullWhen(true)] out TPosition? position) where TPosition : class
    {
        position = null;
        if (text is null || text.Length > MaxLength || text.Split('.') is not [var payloadText, var macText]) return false;
        try
        {
            var payload = Base64Url.DecodeFromChars(payloadText);
            if (!CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(macText), Mac<TPosition>(payload))) return false;
            position = JsonSerializer.Deserialize<TPosition>(payload);
            return position is not null;
        }
        // A well-signed payload can still be out of range (a time past DateTimeOffset.MaxValue): still only a bad cursor.
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    // The position's type is in the MAC, so a cursor of one list is no cursor of another.
    private static byte[] Mac<TPosition>(byte[] payload) =>
        HMACSHA256.HashData(Key, (byte[])[.. Encoding.UTF8.GetBytes(typeof(TPosition).Name), 0, .. payload]).AsSpan(0, MacBytes).ToArray();
}
