using System.Collections.Frozen;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.ReferenceData;

/// <summary>
/// The codes of the admin-editable reference tables, cached for validation: validating a 100,000-row import
/// must not query the database per row. Kept by the store's one cache rule (<see cref="StoreChanges"/>): read again
/// after any replica's commit to reference data is heard, and at most <see cref="StaleWhileDeaf"/> old while changes are
/// not being heard (a lost listening connection must not turn an import's validation into queries per row).
/// </summary>
public sealed class ReferenceCodes(IServiceScopeFactory scopes, StoreChanges changes)
{
    /// <summary>The entity kinds of the history whose changes make the codes stale.</summary>
    public static readonly string[] Kinds = ["sector", "sponsor", "source-list", "policy-document", "policy-document-sector"];

    public static readonly TimeSpan StaleWhileDeaf = TimeSpan.FromSeconds(30);

    private volatile Snapshot? current;

    public sealed record Snapshot(
        FrozenSet<string> Sectors,
        FrozenDictionary<string, Sponsor> Sponsors,
        FrozenSet<string> PolicyDocuments,
        FrozenSet<string> SourceLists,
        StoreChanges.ChangeStamp Stamp);

    public async ValueTask<Snapshot> GetAsync(CancellationToken ct)
    {
        var snapshot = current;
        if (snapshot is not null && changes.IsCurrent(snapshot.Stamp, Kinds, StaleWhileDeaf)) return snapshot;

        var stamp = changes.Stamp(Kinds);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        snapshot = new Snapshot(
            (await db.Sectors.AsNoTracking().Select(s => s.Code).ToListAsync(ct)).ToFrozenSet(),
            (await db.Sponsors.AsNoTracking().ToListAsync(ct)).ToFrozenDictionary(s => s.Code),
            (await db.PolicyDocuments.AsNoTracking().Select(p => p.Code).ToListAsync(ct)).ToFrozenSet(),
            (await db.SourceLists.AsNoTracking().Select(s => s.Code).ToListAsync(ct)).ToFrozenSet(),
            stamp);
        current = snapshot;
        return snapshot;
    }

    /// <summary>Forgets the codes (tests that empty the store and seed it again).</summary>
    public void Invalidate() => current = null;
}
