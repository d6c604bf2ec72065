using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace CaseApi.Infrastructure.Paging;

/// <summary>
/// The opaque position of a keyset page: the sort it belongs to, the last row's sort value (null when that row had
/// none) and its id. Encoded as base64url JSON plus a truncated HMAC. Cursors are not secrets; the MAC (with a fixed
/// key, so every replica accepts every cursor) only turns an edited cursor into a clean 400 instead of a page that
/// starts at a made-up position.
/// </summary>
public sealed record KeysetCursor(string Sort, string? Value, Guid Id)
{
    private static readonly byte[] Key = "CaseApi keyset cursor v1"u8.ToArray();
    private const int MacBytes = 12;

    public string Encode()
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(this);
        var mac = HMACSHA256.HashData(Key, payload).AsSpan(0, MacBytes);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(mac)}";
    }

    public static bool TryDecode(string? text, out KeysetCursor? cursor)
    {
        cursor = null;
        if (text is null || text.Split('.') is not [var payloadText, var macText]) return false;
        try
        {
            var payload = Base64Url.DecodeFromChars(payloadText);
            var mac = Base64Url.DecodeFromChars(macText);
            if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(Key, payload).AsSpan(0, MacBytes))) return false;
            cursor = JsonSerializer.Deserialize<KeysetCursor>(payload);
            return cursor is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }
}

