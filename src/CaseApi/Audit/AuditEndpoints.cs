using System.ComponentModel;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using FromRouteAttribute = Microsoft.AspNetCore.Mvc.FromRouteAttribute;

namespace CaseApi.Audit;

internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cases/{id}/history", GetCaseHistory).WithName(nameof(GetCaseHistory)).WithTags("Cases")
            .RequireAuthorization(Policies.Reader);
        api.MapGet("/audit", ListAuditEvents).WithName(nameof(ListAuditEvents)).WithTags("Audit")
            .RequireAuthorization(Policies.Admin).WithValidation<AuditQuery>();
        return api;
    }

    /// <summary>A case's history: its audit events, newest first, with field-level {from, to} changes.</summary>
    /// <remarks>The history outlives the case: after a delete it ends with the delete event and the full deleted record.</remarks>
    private static async Task<Results<Ok<PagedResponse<AuditEventResponse>>, ValidationProblem, ProblemHttpResult>> GetCaseHistory(
        [FromRoute(Name = "id"), Description(CaseEndpoints.IdOrSlugDescription)] string idOrSlug, ReadOnlyCaseDbContext db, HttpContext http,
        IValidator<AuditQuery> validator, CancellationToken ct, string? cursor = null, int limit = 50)
    {
        // A slug names a current case; a deleted case's history stays reachable by its id.
        Guid? id = Guid.TryParse(idOrSlug, out var parsed)
            ? parsed
            : await db.Cases.Where(c => c.Slug == idOrSlug).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        if (id is null) return CaseNotFound(idOrSlug);

        var query = new AuditQuery(EntityType: "case", EntityId: id.Value.ToString(), Cursor: cursor, Limit: limit);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid) return validation.ToProblem();

        var page = await AuditLog.PageAsync(db, query, http, ct);
        if (page.Items.Count == 0 && cursor is null && !await db.Cases.AnyAsync(c => c.Id == id.Value, ct))
        {
            return CaseNotFound(idOrSlug);
        }
        return TypedResults.Ok(page);
    }

    private static ProblemHttpResult CaseNotFound(string idOrSlug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found.",
            detail: $"No case has, or had, the id or slug '{idOrSlug}'.");

    /// <summary>The audit log: every write, newest first, filtered by entityType, entityId, actor, action and a from/to time range.</summary>
    private static async Task<Ok<PagedResponse<AuditEventResponse>>> ListAuditEvents(
        [AsParameters] AuditQuery query, ReadOnlyCaseDbContext db, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await AuditLog.PageAsync(db, query, http, ct));
}
