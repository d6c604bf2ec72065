using CaseApi.Interop.Stix;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Interop.Taxii;

/// <summary>
/// The collections: <c>cases</c>, the live store, and <c>release-{name}</c> for each release, the history up to its position.
/// Ids are UUIDv5 of the STIX namespace (docs/guides/stix.md) and the alias, so they are the same on every server of the store.
/// </summary>
internal static class TaxiiCollections
{
    public static TaxiiCollection Cases { get; } = new(Id("cases"), "cases", "All cases",
        "Every case in the store, as it changes: a report per case with the relationships it states, the people and organisations "
        + "cases name, sponsors and sectors.", null);

    public static async Task<IReadOnlyList<TaxiiCollection>> AllAsync(CaseDbContext db, CancellationToken ct)
    {
        var releases = await db.Database.Query<ReleaseRow>(SqlFragment.Of($"""
            SELECT name, description, position FROM releases ORDER BY created_at, name
            """)).ToListAsync(ct);
        return [Cases, .. releases.Select(r => new TaxiiCollection(Id($"release-{r.Name}"), $"release-{r.Name}", $"Release {r.Name}",
            $"The store as the release {r.Name} names it (history position {r.Position}); it never changes. {r.Description}".TrimEnd(), r.Position))];
    }

    public static async Task<TaxiiCollection?> FindAsync(CaseDbContext db, Guid id, CancellationToken ct) =>
        id == Cases.Id ? Cases : (await AllAsync(db, ct)).FirstOrDefault(c => c.Id == id);

    private static Guid Id(string alias) => StixIds.UuidV5(StixIds.Namespace, $"taxii-collection:{alias}");

    private sealed record ReleaseRow(string Name, string Description, long Position);
}
