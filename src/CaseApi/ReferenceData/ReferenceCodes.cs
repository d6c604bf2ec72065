using System.Collections.Frozen;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.ReferenceData;

/// <summary>
/// The codes of the admin-editable reference tables, cached for validation: validating a 100,000-row import
/// must not query the database per row. Edits through this service call <see cref="Invalidate"/>; edits made by
/// another replica are picked up when the snapshot expires.
/// </summary>
public sealed class ReferenceCodes(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private volatile Snapshot? current;

    public sealed record Snapshot(
        FrozenSet<string> Sectors,
        FrozenDictionary<string, Sponsor> Sponsors,
        FrozenSet<string> PolicyDocuments,
        FrozenSet<string> SourceLists,
        DateTimeOffset LoadedAt);

    public async ValueTask<Snapshot> GetAsync(CancellationToken ct)
    {
        var snapshot = current;
        if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < MaxAge) return snapshot;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        snapshot = new Snapshot(
            (await db.Sectors.AsNoTracking().Select(s => s.Code).ToListAsync(ct)).ToFrozenSet(),
            (await db.Sponsors.AsNoTracking().ToListAsync(ct)).ToFrozenDictionary(s => s.Code),
            (await db.PolicyDocuments.AsNoTracking().Select(p => p.Code).ToListAsync(ct)).ToFrozenSet(),
            (await db.SourceLists.AsNoTracking().Select(s => s.Code).ToListAsync(ct)).ToFrozenSet(),
            time.GetUtcNow());
        current = snapshot;
        return snapshot;
    }

    public void Invalidate() => current = null;
}
