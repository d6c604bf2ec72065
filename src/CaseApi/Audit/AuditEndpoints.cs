using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Audit;

internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cases/{id:guid}/history", GetCaseHistory).WithName(nameof(GetCaseHistory)).WithTags("Cases")
            .RequireAuthorization(Policies.Reader).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/v1/audit", ListAuditEvents).WithName(nameof(ListAuditEvents)).WithTags("Audit")
            .RequireAuthorization(Policies.Admin).WithValidation<AuditQuery>();
        return app;
    }

    /// <summary>A case's history: its audit events, newest first, with field-level {from, to} changes.</summary>
    /// <remarks>The history outlives the case: after a delete it ends with the delete event and the full deleted record.</remarks>
    private static async Task<Results<Ok<PagedResponse<AuditEventResponse>>, ValidationProblem, ProblemHttpResult>> GetCaseHistory(
        Guid id, ReadOnlyCaseDbContext db, HttpContext http, IValidator<AuditQuery> validator, CancellationToken ct,
        string? cursor = null, int limit = 50)
    {
        var query = new AuditQuery(EntityType: "case", EntityId: id.ToString(), Cursor: cursor, Limit: limit);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid) return validation.ToProblem();

        var page = await AuditLog.PageAsync(db, query, http, ct);
        if (page.Items.Count == 0 && cursor is null && !await db.Cases.AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Case not found.", detail: $"No case has, or had, the id '{id}'.");
        }
        return TypedResults.Ok(page);
    }

    /// <summary>The audit log: every write, newest first, filtered by entityType, entityId, actor, action and a from/to time range.</summary>
    private static async Task<Ok<PagedResponse<AuditEventResponse>>> ListAuditEvents(
        [AsParameters] AuditQuery query, ReadOnlyCaseDbContext db, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await AuditLog.PageAsync(db, query, http, ct));
}
