using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Paging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Cases;

/// <summary>The read side over many cases: the list (and, as it lands, the export). Reads go to the read-only store when one is configured.</summary>
internal static class CaseListEndpoints
{
    public static IEndpointRouteBuilder MapCaseListEndpoints(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/v1/cases").WithTags("Cases").RequireAuthorization(Policies.Reader);
        cases.MapGet("/", ListCases).WithName(nameof(ListCases));
        return app;
    }

    /// <summary>List cases, newest charge first.</summary>
    private static async Task<Ok<PagedResponse<CaseResponse>>> ListCases(ReadOnlyCaseDbContext db, CancellationToken ct, int limit = 50)
    {
        limit = Math.Clamp(limit, 1, 1000);
        var items = await db.Cases
            .OrderByDescending(c => c.ChargedOn).ThenBy(c => c.Id)
            .Take(limit).Select(CaseResponse.Projection).ToListAsync(ct);
        return TypedResults.Ok(new PagedResponse<CaseResponse>(items, await db.Cases.LongCountAsync(ct), null));
    }
}
