using System.Collections.Concurrent;
using System.Security.Cryptography;
using CaseApi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Finds the key a request presents. Known keys are cached for a short while so that a hot GET costs no extra
/// database round trip (docs/design.md measures GET /cases/{id} against a raw primary-key lookup). Unknown secrets are
/// never cached, so guessing cannot fill memory; a revocation here evicts at once, one on another replica is
/// seen when the entry expires.
/// </summary>
public sealed class ApiKeyStore(IServiceScopeFactory scopes, TimeProvider time, IOptions<AuthOptions> options)
{
    public sealed record KnownKey(Guid Id, string Name, string Role, byte[] SecretHash, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

    private sealed record Entry(KnownKey Key, DateTimeOffset LoadedAt);

    private readonly ConcurrentDictionary<string, Entry> cache = new(StringComparer.Ordinal);

    public async ValueTask<KnownKey?> FindAsync(string secret, CancellationToken ct)
    {
        var hash = ApiKeySecrets.Hash(secret);
        var cacheKey = Convert.ToBase64String(hash);
        var maxAge = TimeSpan.FromSeconds(options.Value.KeyCacheSeconds);
        if (!cache.TryGetValue(cacheKey, out var entry) || time.GetUtcNow() - entry.LoadedAt >= maxAge)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
            var key = await db.ApiKeys.AsNoTracking().Where(k => k.SecretHash == hash)
                .Select(k => new KnownKey(k.Id, k.Name, k.Role, k.SecretHash, k.ExpiresAt, k.RevokedAt))
                .SingleOrDefaultAsync(ct);
            if (key is null)
            {
                cache.TryRemove(cacheKey, out _);
                return null;
            }
            entry = new Entry(key, time.GetUtcNow());
            cache[cacheKey] = entry;
        }
        // The index lookup already matched the hash; the constant-time comparison keeps the final check free of
        // timing differences whatever path found the row.
        return CryptographicOperations.FixedTimeEquals(entry.Key.SecretHash, hash) ? entry.Key : null;
    }

    /// <summary>Forgets a key so that its revocation takes effect on the next request.</summary>
    public void Evict(byte[] secretHash) => cache.TryRemove(Convert.ToBase64String(secretHash), out _);

    public void Clear() => cache.Clear();
}
