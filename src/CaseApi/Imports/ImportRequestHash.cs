using System.Security.Cryptography;
using System.Text;

namespace CaseApi.Imports;

/// <summary>
/// What tells an Idempotency-Key's retry from a different request: with a key, the body is hashed as it streams past
/// the readers, so neither file is ever buffered; the hash also covers the options, since the same file under other
/// options is a different request. Without a key the body is passed through untouched.
/// </summary>
internal sealed class ImportRequestHash : IAsyncDisposable
{
    private readonly SHA256 sha = SHA256.Create();
    private readonly CryptoStream? hashing;
    private readonly ImportQuery query;

    public ImportRequestHash(Stream body, ImportQuery query)
    {
        hashing = query.IdempotencyKey is null ? null : new CryptoStream(body, sha, CryptoStreamMode.Read, leaveOpen: true);
        Body = hashing ?? body;
        this.query = query;
    }

    /// <summary>The body to read the upload from.</summary>
    public Stream Body { get; }

    /// <summary>Reads what the readers left unread and returns the request's hash; null without a key.</summary>
    public async Task<byte[]?> FinishAsync(string format, CancellationToken ct)
    {
        if (hashing is null) return null;
        await hashing.CopyToAsync(Stream.Null, ct);
        var options = $"{format}|{query.ModeOrDefault}|{query.IsDryRun}|{query.IsAtomic}|";
        return SHA256.HashData([.. Encoding.UTF8.GetBytes(options), .. sha.Hash!]);
    }

    public async ValueTask DisposeAsync()
    {
        if (hashing is not null) await hashing.DisposeAsync();
        sha.Dispose();
    }
}
