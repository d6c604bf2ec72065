using System.Data;
using CaseApi.Cases;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Interop.Stix;

/// <summary>
/// GET /cases/export?format=stix: the matching cases as one STIX 2.1 bundle, streamed. The reference objects (marking,
/// sectors, sponsors and their hierarchy) come first; then the cases in keyset pages by id, each page's entity links read in
/// one query, so the export holds one page at a time; then the identities of the entities those cases name, streamed.
/// All of it reads one snapshot (a repeatable-read transaction), so a case edited meanwhile is either wholly before or after.
/// </summary>
internal static class StixExport
{
    public const string MediaType = "application/stix+json;version=2.1";

    private const int PageSize = 500;

    public static async Task WriteAsync(Stream body, CaseDbContext db, CaseFilter filter, CancellationToken ct)
    {
        var view = filter.View;
        await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var sponsors = await view.Rows(db.Sponsors, "sponsors").OrderBy(s => s.Code).ToListAsync(ct);
        var sectors = await view.Rows(db.Sectors, "sectors").OrderBy(s => s.Code).ToListAsync(ct);

        // A bundle's id names this one transmission, not its content: a fresh one each time (STIX 2.1 §8).
        await using var bundle = new StixBundleWriter(body, $"bundle--{Guid.NewGuid():D}");
        StixMapping.WriteTlpWhite(bundle.Json);
        foreach (var sector in sectors) StixMapping.WriteSector(bundle.Json, sector);
        foreach (var sponsor in sponsors)
        {
            StixMapping.WriteSponsor(bundle.Json, sponsor);
            if (sponsor.ParentCode is not null) StixMapping.WriteSponsorParent(bundle.Json, sponsor);
        }
        await bundle.FlushIfFullAsync(ct);

        var sponsorCodes = sponsors.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        var sectorCodes = sectors.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        for (Guid? after = null; ;)
        {
            var page = await filter.Apply(db, after is { } last ? SqlFragment.Of($"c.id > {last}") : null)
                .OrderBy(c => c.Id).Take(PageSize).Select(CaseReads.Projection(view)).ToListAsync(ct);
            if (page.Count == 0) break;
            Guid[] ids = [.. page.Select(c => c.Id)];
            var links = (await db.Database.Query<StixLink>(SqlFragment.Of(
                    $"SELECT l.case_id, l.role, l.entity_id FROM {view.Table("case_entities")} l " +
                    $"WHERE l.case_id = ANY({ids}) ORDER BY l.role, l.entity_id"))
                .ToListAsync(ct)).ToLookup(l => l.CaseId);
            foreach (var c in page)
            {
                StixMapping.WriteCase(bundle.Json, c, links[c.Id], sponsorCodes, sectorCodes);
                await bundle.FlushIfFullAsync(ct);
            }
            if (page.Count < PageSize) break;
            after = page[^1].Id;
        }

        var entities = db.Database.Query<StixEntity>(SqlFragment.Of($"""
            SELECT e.id, e.kind, e.name, e.aliases, e.country, e.description, e.sources, e.identifiers::text AS identifiers,
                   e.created_at, e.updated_at
            FROM {view.Table("entities")} e
            WHERE e.id IN (SELECT l.entity_id FROM {view.Table("case_entities")} l WHERE l.case_id IN (SELECT c.id FROM ({filter.SelectSql()}) c))
            ORDER BY e.id
            """)).AsAsyncEnumerable();
        await foreach (var entity in entities.WithCancellation(ct))
        {
            StixMapping.WriteEntity(bundle.Json, entity);
            await bundle.FlushIfFullAsync(ct);
        }
        await bundle.CompleteAsync(ct);
        await snapshot.CommitAsync(ct);
    }
}
