using System.ComponentModel;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using FromRouteAttribute = Microsoft.AspNetCore.Mvc.FromRouteAttribute;

namespace CaseApi.Linkage;

/// <summary>
/// One case's membership of one list as a resource of its own, so a membership changes without resending listedIn:
/// PUT sets the list's references for the case, DELETE removes the list and its evidence; both need the case's ETag.
/// Entries accepted for the case on that list follow: DELETE returns them to review.
/// </summary>
internal static class MembershipEndpoints
{
    public static RouteGroupBuilder MapMembershipEndpoints(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/cases/{id}/lists").WithTags("Cases").RequireAuthorization(Policies.Editor);
        lists.MapPut("/{code}", PutMembership).WithName(nameof(PutMembership)).WithValidation<MembershipRequest>().WithPreconditions()
            .Reviewed(ReviewRule.Refused, ReviewReasons.Membership);
        lists.MapDelete("/{code}", DeleteMembership).WithName(nameof(DeleteMembership)).WithPreconditions()
            .Reviewed(ReviewRule.Refused, ReviewReasons.Membership);
        return api;
    }

    private static RouteHandlerBuilder WithPreconditions(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    /// <summary>Put a case on a list, with the list's references for it (If-Match required).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> PutMembership(
        [FromRoute(Name = "id"), Description("The case's id (a UUID) or its slug.")] string idOrSlug,
        [FromRoute, Description("The list's code.")] string code, MembershipRequest request, CaseDbContext db, HttpContext http,
        TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct) =>
        await ChangeAsync(idOrSlug, code, db, http, time, json, (c, actor, now) =>
            Memberships.Set(c, code, [.. (request.References ?? []).OfType<string>().Select(r => r.Trim())], actor, now), ct);

    /// <summary>Take a case off a list, with all its evidence for the list (If-Match required).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMembership(
        [FromRoute(Name = "id"), Description("The case's id (a UUID) or its slug.")] string idOrSlug,
        [FromRoute, Description("The list's code.")] string code, CaseDbContext db, HttpContext http, TimeProvider time,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var result = await ChangeAsync(idOrSlug, code, db, http, time, json, (c, _, _) => Memberships.Remove(c, code), ct, async c =>
        {
            // The entries accepted for this case on this list lose their link: back to review.
            var accepted = await db.EntryCandidates
                .Where(x => x.CaseId == c.Id && x.Decision == "accepted" && db.ListEntries.Any(e => e.Id == x.EntryId && e.ListCode == code))
                .ToListAsync(ct);
            accepted.ForEach(x => (x.Decision, x.MatchMethod, x.DecidedBy, x.DecidedAt, x.Threshold) = (null, null, null, null, null));
        });
        return result;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangeAsync(
        string idOrSlug, string code, CaseDbContext db, HttpContext http, TimeProvider time, IOptions<JsonOptions> json,
        Action<Case, string, DateTimeOffset> change, CancellationToken ct, Func<Case, Task>? alongside = null)
    {
        var found = Guid.TryParse(idOrSlug, out var id)
            ? await db.Cases.FirstOrDefaultAsync(c => c.Id == id, ct)
            : await db.Cases.FirstOrDefaultAsync(c => c.Slug == idOrSlug, ct);
        if (found is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found.",
                detail: $"No case has the id or slug '{idOrSlug}'.");
        }
        if (!await db.SourceLists.AnyAsync(l => l.Code == code, ct)) return ListEntryEndpoints.ListNotFound(code);
        if (ETags.CheckIfMatch(http.Request, found.Version) is { } precondition) return precondition;

        var now = time.GetUtcNow();
        var before = Memberships.Snapshot(found, json.Value.SerializerOptions);
        change(found, AuditTrail.Actor(http.User), now);
        if (alongside is not null) await alongside(found);
        var changes = AuditTrail.Diff(before, Memberships.Snapshot(found, json.Value.SerializerOptions));
        if (changes.Count > 0)
        {
            found.UpdatedAt = now;
            db.AuditEvents.Add(AuditTrail.Event(http, "update", "case", found.Id.ToString(), changes, now));
        }
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = ETags.For(found.Version);
        return TypedResults.NoContent();
    }
}
