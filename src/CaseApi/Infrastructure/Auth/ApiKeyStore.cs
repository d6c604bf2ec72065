using System.Collections.Concurrent;
using System.Security.Cryptography;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Finds the key a request presents. Known keys are cached so that a hot GET costs no extra database round trip
/// (GET /cases/{id} is measured against a raw primary-key lookup), but only while <see cref="ApiKeyChangeListener"/>
/// hears the database: every change to api_keys, on any replica, notifies all of them and empties their caches.
/// While that connection is down nothing is cached. Unknown secrets are never cached, so guessing cannot fill memory.
/// </summary>
public sealed class ApiKeyStore(IServiceScopeFactory scopes, TimeProvider time, IOptions<AuthOptions> options)
{
    public sealed record KnownKey(Guid Id, string Name, string Role, byte[] SecretHash, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

    private sealed record Entry(KnownKey Key, DateTimeOffset LoadedAt);

    private readonly ConcurrentDictionary<string, Entry> cache = new(StringComparer.Ordinal);

    // Counts changes heard (and losses of the listening connection); a lookup caches its row only if none happened
    // while it read, so a row read just before a revocation committed is never kept after the revocation is heard.
    private long generation;
    private volatile bool listening;

    public async ValueTask<KnownKey?> FindAsync(string secret, CancellationToken ct)
    {
        var hash = ApiKeySecrets.Hash(secret);
        var cacheKey = Convert.ToBase64String(hash);
        if (listening && cache.TryGetValue(cacheKey, out var cached)
            && time.GetUtcNow() - cached.LoadedAt < TimeSpan.FromSeconds(options.Value.KeyCacheSeconds))
        {
            return Matches(cached.Key, hash);
        }

        var seen = Interlocked.Read(ref generation);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.SecretHash == hash)
            .Select(k => new KnownKey(k.Id, k.Name, k.Role, k.SecretHash, k.ExpiresAt, k.RevokedAt))
            .SingleOrDefaultAsync(ct);
        if (key is null) return null;
        if (listening && Interlocked.Read(ref generation) == seen)
        {
            var entry = new Entry(key, time.GetUtcNow());
            cache[cacheKey] = entry;
            // A change heard between the check and the store: Changed() cleared before the store, so undo it here.
            if (Interlocked.Read(ref generation) != seen) cache.TryRemove(new KeyValuePair<string, Entry>(cacheKey, entry));
        }
        return Matches(key, hash);
    }

    // The index lookup already matched the hash; the constant-time comparison keeps the final check free of timing
    // differences whatever path found the row.
    private static KnownKey? Matches(KnownKey key, byte[] hash) => CryptographicOperations.FixedTimeEquals(key.SecretHash, hash) ? key : null;

    /// <summary>Forgets a key so that its revocation takes effect on the next request here (others hear it from the database).</summary>
    public void Evict(byte[] secretHash) => cache.TryRemove(Convert.ToBase64String(secretHash), out _);

    /// <summary>Something in api_keys changed (or may have, unheard): forget every cached key.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref generation);
        cache.Clear();
    }

    /// <summary>Whether changes are being heard; the cache is used only while they are.</summary>
    internal void Listening(bool heard)
    {
        Changed();
        listening = heard;
    }

    public void Clear() => Changed();
}
