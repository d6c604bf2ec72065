using System.Collections.Concurrent;
using CaseApi.Store;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Keeps the people table's names as the identity provider last sent them. A sign-in writes only when this replica has not
/// yet written that name for that person, so a hot path of token requests costs no write.
/// </summary>
public sealed class PeopleDirectory(IServiceScopeFactory scopes, TimeProvider time)
{
    // An organisation's people, not request volume: when a process somehow sees more, it forgets and rewrites.
    private const int MaxRemembered = 10_000;

    /// <summary>The people table's column lengths (PersonConfiguration).</summary>
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 320;

    private readonly ConcurrentDictionary<string, (string Name, string? Email)> written = new(StringComparer.Ordinal);

    /// <summary>
    /// A claim as the people table can hold it: a provider's text is not ours to refuse, so it is cut to the column (never
    /// inside a surrogate pair) and loses NUL characters, which PostgreSQL's text cannot store.
    /// </summary>
    public static string Fit(string value, int max)
    {
        var clean = value.Replace("\0", "", StringComparison.Ordinal);
        if (clean.Length <= max) return clean;
        return clean[..(char.IsHighSurrogate(clean[max - 1]) ? max - 1 : max)];
    }

    public async Task RecordAsync(string actor, string issuer, string subject, string name, string? email, CancellationToken ct)
    {
        if (written.TryGetValue(actor, out var known) && known == (name, email)) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        var now = time.GetUtcNow();
        await db.Database.ExecuteAsync(SqlFragment.Of($"""
            INSERT INTO people (id, issuer, subject, name, email, first_seen_at, updated_at)
            VALUES ({actor}, {issuer}, {subject}, {name}, {email}, {now}, {now})
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at
            WHERE (people.name, people.email) IS DISTINCT FROM (excluded.name, excluded.email)
            """), ct);
        if (written.Count >= MaxRemembered) written.Clear();
        written[actor] = (name, email);
    }

    /// <summary>Forgets what was written (tests that empty the store).</summary>
    public void Clear() => written.Clear();
}
