using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.ReferenceData;

internal static class ReferenceEndpoints
{
    /// <summary>One group per reference resource: any key reads it, admins change it (the handlers of ReferenceAdminEndpoints).</summary>
    public static RouteGroupBuilder MapReferenceEndpoints(this RouteGroupBuilder api)
    {
        Resource(api, "/code-lists").MapGet("", GetCodeLists).WithName(nameof(GetCodeLists)).ReadsStore(StoreRead.Current);

        var sectors = Resource(api, "/sectors");
        sectors.MapGet("", ListSectors).WithName(nameof(ListSectors)).ReadsStore(StoreRead.Current);
        sectors.MapSectorAdmin();

        var sponsors = Resource(api, "/sponsors");
        sponsors.MapGet("", ListSponsors).WithName(nameof(ListSponsors)).ReadsStore(StoreRead.Current);
        sponsors.MapSponsorAdmin();

        var documents = Resource(api, "/policy-documents");
        documents.MapGet("", ListPolicyDocuments).WithName(nameof(ListPolicyDocuments)).ReadsStore(StoreRead.Current);
        documents.MapPolicyDocumentAdmin();

        var lists = Resource(api, "/source-lists");
        lists.MapGet("", ListSourceLists).WithName(nameof(ListSourceLists)).ReadsStore(StoreRead.Current);
        lists.MapSourceListAdmin();
        return api;
    }

    private static RouteGroupBuilder Resource(RouteGroupBuilder api, string path) =>
        api.MapGroup(path).WithTags("Reference data").RequireAuthorization(Policies.Reader);

    /// <summary>Every code list: the fixed ones of the design and the current reference tables.</summary>
    private static async Task<Ok<CodeListsResponse>> GetCodeLists(StoreSnapshot snapshot, CancellationToken ct) =>
        TypedResults.Ok(await CodeListsAsync(snapshot.Db, ct));

    private static async Task<CodeListsResponse> CodeListsAsync(CaseDbContext db, CancellationToken ct) =>
        new(
            [.. CodeLists.ActivityTypes.Select(a => new CodeResponse(a.Key, a.Value))],
            Plain(CodeLists.Tradecraft), Plain(CodeLists.CollectorTypes), Plain(CodeLists.Outcomes),
            Plain(CodeLists.VictimTypes), Plain(CodeLists.SourceKinds), Plain(CodeLists.SponsorConfidence),
            Plain(CodeLists.SponsorTypes), Plain(CodeLists.MatchMethods), Plain(CodeLists.UsStates.Order(StringComparer.Ordinal)),
            await SectorsAsync(db, ct), await SponsorsAsync(db, ct), await PolicyDocumentsAsync(db, ct), await SourceListsAsync(db, ct));

    /// <summary>The technology sectors a case can target.</summary>
    private static async Task<Ok<PagedResponse<SectorResponse>>> ListSectors(StoreSnapshot snapshot, CancellationToken ct) =>
        Page(await SectorsAsync(snapshot.Db, ct));

    /// <summary>The sponsors behind cases, with their type and parent (provincial MSS bureaus under the MSS, PLA units under the PLA).</summary>
    private static async Task<Ok<PagedResponse<SponsorResponse>>> ListSponsors(StoreSnapshot snapshot, CancellationToken ct) =>
        Page(await SponsorsAsync(snapshot.Db, ct));

    /// <summary>Chinese industrial-policy documents and the sectors their objectives name.</summary>
    private static async Task<Ok<PagedResponse<PolicyDocumentResponse>>> ListPolicyDocuments(StoreSnapshot snapshot, CancellationToken ct) =>
        Page(await PolicyDocumentsAsync(snapshot.Db, ct));

    /// <summary>The independent published compilations a case can be listed in.</summary>
    private static async Task<Ok<PagedResponse<SourceListResponse>>> ListSourceLists(StoreSnapshot snapshot, CancellationToken ct) =>
        Page(await SourceListsAsync(snapshot.Db, ct));

    private static Ok<PagedResponse<T>> Page<T>(IReadOnlyList<T> items) => TypedResults.Ok(new PagedResponse<T>(items, items.Count, null));

    private static CodeResponse[] Plain(IEnumerable<string> codes) => [.. codes.Select(c => new CodeResponse(c))];

    private static async Task<IReadOnlyList<SectorResponse>> SectorsAsync(CaseDbContext db, CancellationToken ct) =>
        await db.Sectors.AsNoTracking().OrderBy(s => s.Code).Select(s => new SectorResponse(s.Code, s.Name, s.Description)).ToListAsync(ct);

    private static async Task<IReadOnlyList<SponsorResponse>> SponsorsAsync(CaseDbContext db, CancellationToken ct) =>
        await db.Sponsors.AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new SponsorResponse(s.Code, s.Name, s.Description, s.Type, s.ParentCode)).ToListAsync(ct);

    private static async Task<IReadOnlyList<PolicyDocumentResponse>> PolicyDocumentsAsync(CaseDbContext db, CancellationToken ct) =>
        await db.PolicyDocuments.AsNoTracking().OrderBy(p => p.Code)
            .Select(p => new PolicyDocumentResponse(
                p.Code, p.Name, p.Description, p.Year, p.Sectors.OrderBy(s => s.SectorCode).Select(s => s.SectorCode).ToList()))
            .ToListAsync(ct);

    private static async Task<IReadOnlyList<SourceListResponse>> SourceListsAsync(CaseDbContext db, CancellationToken ct) =>
        await db.SourceLists.AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new SourceListResponse(s.Code, s.Name, s.Description, s.Publisher, s.CoverageFrom, s.CoverageTo)).ToListAsync(ct);
}
