using System.Collections.Concurrent;
using System.Security.Cryptography;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Finds the key a request presents. Known keys are cached so that a hot GET costs no extra database round trip
/// (GET /cases/{id} is measured against a raw primary-key lookup), by the store's one cache rule (<see cref="StoreChanges"/>):
/// a key stays cached while changes are heard and none to api_keys was announced since it was read, on any replica, and
/// never longer than <see cref="AuthOptions.KeyCacheSeconds"/>. Unknown secrets are never cached, so guessing cannot fill memory.
/// </summary>
public sealed class ApiKeyStore
{
    private static readonly string[] Kinds = ["api-key"];

    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider time;
    private readonly IOptions<AuthOptions> options;
    private readonly StoreChanges changes;
    private readonly ConcurrentDictionary<string, Entry> cache = new(StringComparer.Ordinal);

    public ApiKeyStore(IServiceScopeFactory scopes, TimeProvider time, IOptions<AuthOptions> options, StoreChanges changes)
    {
        (this.scopes, this.time, this.options, this.changes) = (scopes, time, options, changes);
        changes.Changed += kinds =>
        {
            if (kinds is null || kinds.Overlaps(Kinds)) cache.Clear();
        };
    }

    public sealed record KnownKey(Guid Id, string Name, string Role, byte[] SecretHash, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

    private sealed record Entry(KnownKey Key, StoreChanges.ChangeStamp Stamp, DateTimeOffset LoadedAt);

    public async ValueTask<KnownKey?> FindAsync(string secret, CancellationToken ct)
    {
        var hash = ApiKeySecrets.Hash(secret);
        var cacheKey = Convert.ToBase64String(hash);
        if (cache.TryGetValue(cacheKey, out var cached) && changes.IsCurrent(cached.Stamp, Kinds)
            && time.GetUtcNow() - cached.LoadedAt < TimeSpan.FromSeconds(options.Value.KeyCacheSeconds))
        {
            return Matches(cached.Key, hash);
        }

        var stamp = changes.Stamp(Kinds);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.SecretHash == hash)
            .Select(k => new KnownKey(k.Id, k.Name, k.Role, k.SecretHash, k.ExpiresAt, k.RevokedAt))
            .SingleOrDefaultAsync(ct);
        if (key is null) return null;
        // Kept only if no change was heard while it was read; an entry kept just before a change is refused by IsCurrent.
        if (changes.IsCurrent(stamp, Kinds)) cache[cacheKey] = new Entry(key, stamp, time.GetUtcNow());
        return Matches(key, hash);
    }

    // The index lookup already matched the hash; the constant-time comparison keeps the final check free of timing
    // differences whatever path found the row.
    private static KnownKey? Matches(KnownKey key, byte[] hash) => CryptographicOperations.FixedTimeEquals(key.SecretHash, hash) ? key : null;

    /// <summary>Forgets every cached key (tests that empty the store).</summary>
    public void Clear() => cache.Clear();
}
