using System.ComponentModel;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Store;
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
            .RequireAuthorization(Policies.Reader).ReadsStore(StoreRead.Log);
        api.MapGet("/audit", ListAuditEvents).WithName(nameof(ListAuditEvents)).WithTags("Audit")
            .RequireAuthorization(Policies.Admin).ReadsStore<AuditQuery>(StoreRead.Log);
        api.MapGet("/audit/verify", VerifyAuditChain).WithName(nameof(VerifyAuditChain)).WithTags("Audit")
            .RequireAuthorization(Policies.Admin).ReadsStore<ChainVerifyQuery>(StoreRead.Log);
        api.MapGet("/audit/checkpoint", GetAuditCheckpoint).WithName(nameof(GetAuditCheckpoint)).WithTags("Audit")
            .RequireAuthorization(Policies.Reader).ReadsStore(StoreRead.Current).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>A case's history: its audit events, newest first, with field-level {from, to} changes.</summary>
    /// <remarks>The history outlives the case: after a delete it ends with the delete event and the full deleted record.</remarks>
    private static async Task<Results<Ok<PagedResponse<AuditEventResponse>>, ValidationProblem, ProblemHttpResult>> GetCaseHistory(
        [FromRoute(Name = "id"), Description(CaseEndpoints.IdOrSlugDescription)] string idOrSlug, StoreSnapshot snapshot, HttpContext http,
        IValidator<AuditQuery> validator, CancellationToken ct, string? cursor = null, int limit = 50)
    {
        var db = snapshot.Db;
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
        [AsParameters] AuditQuery query, StoreSnapshot snapshot, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await AuditLog.PageAsync(snapshot.Db, query, http, ct));

    /// <summary>Recompute the history's hash chain and say whether it holds, or where it first does not.</summary>
    /// <remarks>
    /// Pass a checkpoint kept from GET /audit/checkpoint (or the service's periodic log line) to also catch a chain that someone
    /// with database rights recomputed after an edit.
    /// </remarks>
    private static async Task<Ok<ChainVerification>> VerifyAuditChain(
        [AsParameters] ChainVerifyQuery query, StoreSnapshot snapshot, CancellationToken ct) =>
        TypedResults.Ok(await AuditChain.VerifyAsync(snapshot.Db, query.Checkpoint, ct));

    /// <summary>The newest checkpoint of the history chain: keep it outside the database to verify against later.</summary>
    private static async Task<Results<Ok<ChainCheckpoint>, ProblemHttpResult>> GetAuditCheckpoint(StoreSnapshot snapshot, CancellationToken ct) =>
        await AuditChain.HeadAsync(snapshot.Db, ct) is { } head
            ? TypedResults.Ok(head)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No history yet.",
                detail: "Nothing has been committed to the store yet.");
}
