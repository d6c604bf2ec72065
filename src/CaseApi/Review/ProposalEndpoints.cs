using System.Security.Claims;
using System.Text.Json;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Review;

/// <summary>
/// The review queue: proposals to read, approve, reject or withdraw. Readers see none but their own (they have none): the
/// queue is unpublished data, for editors, reviewers and admins.
/// </summary>
internal static class ProposalEndpoints
{
    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateOnStart();
        return services;
    }

    public static RouteGroupBuilder MapProposalEndpoints(this RouteGroupBuilder api)
    {
        var proposals = api.MapGroup("/proposals").WithTags("Proposals").RequireAuthorization(Policies.Reader);
        proposals.MapGet("/", ListProposals).WithName(nameof(ListProposals)).ReadsStore<ProposalListQuery>(StoreRead.Current);
        proposals.MapGet("/{id:guid}", GetProposal).WithName(nameof(GetProposal)).ReadsStore(StoreRead.Current)
            .ProducesProblem(StatusCodes.Status404NotFound);
        proposals.MapGet("/{id:guid}/case", GetProposedCase).WithName(nameof(GetProposedCase)).ReadsStore(StoreRead.Current)
            .ProducesProblem(StatusCodes.Status404NotFound);
        proposals.MapPost("/{id:guid}/approve", ApproveProposal).WithName(nameof(ApproveProposal)).RequireAuthorization(Policies.Reviewer)
            .Idempotent().WithDecisionProblems();
        proposals.MapPost("/{id:guid}/reject", RejectProposal).WithName(nameof(RejectProposal)).RequireAuthorization(Policies.Reviewer)
            .Idempotent().WithValidation<RejectProposalRequest>().WithDecisionProblems();
        proposals.MapPost("/{id:guid}/withdraw", WithdrawProposal).WithName(nameof(WithdrawProposal)).RequireAuthorization(Policies.Editor)
            .Idempotent().WithDecisionProblems();
        return api;
    }

    private static RouteHandlerBuilder WithDecisionProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>List proposals by status (pending by default), oldest first, each with its field-level diff against the case now.</summary>
    /// <remarks>Editors, reviewers and admins see every proposal; anyone else only their own.</remarks>
    private static async Task<Ok<PagedResponse<ProposalResponse>>> ListProposals(
        [AsParameters] ProposalListQuery query, StoreSnapshot snapshot, HttpContext http, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var db = snapshot.Db;
        var status = query.StatusOrPending;
        var rows = Visible(db, http.User).Where(p => p.Status == status);
        if (PageCursor.TryDecode<ProposalCursor>(query.Cursor, out var cursor))
        {
            rows = rows.Where(p => p.ProposedAt > cursor.ProposedAt || (p.ProposedAt == cursor.ProposedAt && p.Id.CompareTo(cursor.Id) > 0));
        }
        var page = await rows.OrderBy(p => p.ProposedAt).ThenBy(p => p.Id).Take(query.PageSize + 1).ToListAsync(ct);
        var ids = page.Where(p => p.CaseId is not null).Select(p => p.CaseId!.Value).Distinct().ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var items = page.Select(p => ProposalReads.Describe(p, p.CaseId is { } id ? cases.GetValueOrDefault(id) : null, json.Value.SerializerOptions))
            .ToList();
        return TypedResults.Ok(KeysetPage.Create(items, query.PageSize, PageTotal.None, p => new ProposalCursor(p.ProposedAt, p.Id), http.Response));
    }

    /// <summary>Get a proposal, with its field-level diff against the case as it is now.</summary>
    private static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> GetProposal(
        Guid id, StoreSnapshot snapshot, HttpContext http, IOptions<JsonOptions> json, CancellationToken ct) =>
        await Visible(snapshot.Db, http.User).FirstOrDefaultAsync(p => p.Id == id, ct) is { } proposal
            ? TypedResults.Ok(await ProposalReads.DescribeAsync(snapshot.Db, proposal, json.Value.SerializerOptions, ct))
            : NotFound(id);

    /// <summary>Read the case as the proposal would leave it (its writable fields), as of the case now.</summary>
    /// <remarks>
    /// A merge patch is merged into the case as it is now, so this is what approving it now would publish. A delete proposes
    /// no case (404).
    /// </remarks>
    private static async Task<Results<Ok<CaseRequest>, ProblemHttpResult>> GetProposedCase(
        Guid id, StoreSnapshot snapshot, HttpContext http, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (await Visible(snapshot.Db, http.User).FirstOrDefaultAsync(p => p.Id == id, ct) is not { } proposal) return NotFound(id);
        var options = json.Value.SerializerOptions;
        var current = proposal.CaseId is { } caseId ? await snapshot.Db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct) : null;
        var proposed = ProposalReads.Proposed(proposal, current is null ? null : ProposalReads.Record(current.ToRequest(), options), options);
        return proposed.Deserialize<CaseRequest>(options) is { } request
            ? TypedResults.Ok(request)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No case as proposed.",
                detail: proposal.Kind == ProposalKinds.Delete ? "The proposal deletes the case." : "The case the proposal patches no longer exists.");
    }

    /// <summary>Approve a pending proposal: its change is published, atomically, as its author's write against its base version.</summary>
    /// <remarks>
    /// Only a reviewer or an admin who is not its author may approve it. The change is applied by the case write endpoint itself,
    /// with the base version as If-Match, in one transaction with the approval and its audit row. When the case changed since
    /// (or the change can no longer be made: a slug taken since, a case deleted since), nothing is written and the answer is a
    /// 409 proposal-conflict problem with the base and current versions and both records; the proposal stays pending.
    /// </remarks>
    private static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> ApproveProposal(
        Guid id, CaseDbContext db, HttpContext http, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (await DecidableAsync(db, id, http.User, byAuthor: false, ct) is not { } proposal) return await RefusalAsync(db, id, http.User, false, ct);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var applied = await ProposalApplier.ApplyAsync(http, proposal, ct);
        if (!applied.Succeeded)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return await ConflictAsync(db, proposal, applied, json.Value.SerializerOptions, ct);
        }
        var now = time.GetUtcNow();
        (proposal.Status, proposal.DecidedBy, proposal.DecidedAt) = (ProposalStatuses.Approved, AuditTrail.Actor(http.User), now);
        proposal.CaseId ??= applied.CaseId;
        db.AuditEvents.Add(ProposalApplier.Audit(http, "approve", proposal, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // The write's own headers (its ETag, its Location) describe the case, not this answer.
        http.Response.Headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.ETag);
        return TypedResults.Ok(await ProposalReads.DescribeAsync(db, proposal, json.Value.SerializerOptions, ct));
    }

    /// <summary>Reject a pending proposal, saying why; nothing is published. Only a reviewer or an admin who is not its author.</summary>
    private static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> RejectProposal(
        Guid id, RejectProposalRequest request, CaseDbContext db, HttpContext http, TimeProvider time, IOptions<JsonOptions> json,
        CancellationToken ct) =>
        await DecideAsync(db, id, http, time, json, byAuthor: false, ProposalStatuses.Rejected, request.Reason, ct);

    /// <summary>Withdraw your own pending proposal; nothing is published.</summary>
    private static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> WithdrawProposal(
        Guid id, CaseDbContext db, HttpContext http, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct) =>
        await DecideAsync(db, id, http, time, json, byAuthor: true, ProposalStatuses.Withdrawn, null, ct);

    private static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> DecideAsync(CaseDbContext db, Guid id, HttpContext http,
        TimeProvider time, IOptions<JsonOptions> json, bool byAuthor, string status, string? reason, CancellationToken ct)
    {
        if (await DecidableAsync(db, id, http.User, byAuthor, ct) is not { } proposal) return await RefusalAsync(db, id, http.User, byAuthor, ct);
        var now = time.GetUtcNow();
        (proposal.Status, proposal.DecidedBy, proposal.DecidedAt, proposal.Reason) = (status, AuditTrail.Actor(http.User), now, reason);
        db.AuditEvents.Add(ProposalApplier.Audit(http, byAuthor ? "withdraw" : "reject", proposal, now));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ProposalReads.DescribeAsync(db, proposal, json.Value.SerializerOptions, ct));
    }

    /// <summary>The proposal, when it is pending and the caller may decide it: its author withdraws, anyone else approves or rejects.</summary>
    private static Task<Proposal?> DecidableAsync(CaseDbContext db, Guid id, ClaimsPrincipal user, bool byAuthor, CancellationToken ct)
    {
        var actor = AuditTrail.Actor(user);
        return db.Proposals.FirstOrDefaultAsync(p => p.Id == id && p.Status == ProposalStatuses.Pending && (p.Author == actor) == byAuthor, ct);
    }

    private static async Task<ProblemHttpResult> RefusalAsync(CaseDbContext db, Guid id, ClaimsPrincipal user, bool byAuthor, CancellationToken ct)
    {
        var proposal = await Visible(db, user).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (proposal is null) return NotFound(id);
        if (proposal.Status != ProposalStatuses.Pending)
        {
            return ProblemResults.Of(ProblemCodes.ProposalClosed, "The proposal is no longer pending.",
                $"Proposal {id} was {proposal.Status} by {proposal.DecidedBy} at {proposal.DecidedAt:O}.");
        }
        return byAuthor
            ? ProblemResults.Of(ProblemCodes.NotTheAuthor, "Only the author withdraws a proposal.",
                "A reviewer or an admin rejects it instead (POST /api/v1/proposals/{id}/reject, with a reason).")
            : ProblemResults.Of(ProblemCodes.OwnProposal, "A proposal needs a second person.",
                "Its author cannot approve or reject it: another reviewer or admin does, or the author withdraws it.");
    }

    /// <summary>409 proposal-conflict: the base version and the case's version now, with both records, and what the write answered.</summary>
    private static async Task<ProblemHttpResult> ConflictAsync(
        CaseDbContext db, Proposal proposal, ProposalApplier.Applied applied, JsonSerializerOptions json, CancellationToken ct)
    {
        var current = proposal.CaseId is { } caseId ? await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct) : null;
        var record = current is null ? null : ProposalReads.Record(current.ToRequest(), json);
        var detail = applied.Status == StatusCodes.Status412PreconditionFailed
            ? "The case changed since the proposal was made; nothing was merged. Compare the two versions, then reject it, or the author withdraws "
                + "it and proposes the change again against the current version."
            : $"The change can no longer be made as proposed ({applied.Status}: {applied.Detail}); nothing was written.";
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The proposal conflicts with the case as it is now.",
            detail: detail, extensions: new Dictionary<string, object?>
            {
                [ProblemCodes.Member] = ProblemCodes.ProposalConflict,
                ["baseVersion"] = proposal.BaseVersion,
                ["currentVersion"] = current is null ? null : ETags.For(current.Version),
                ["current"] = record,
                ["proposed"] = ProposalReads.Proposed(proposal, record, json),
            });
    }

    /// <summary>The proposals a caller may see: all of them for editors, reviewers and admins; their own for anyone else.</summary>
    private static IQueryable<Proposal> Visible(CaseDbContext db, ClaimsPrincipal user)
    {
        if (user.IsInRole(Policies.Editor) || user.IsInRole(Policies.Reviewer) || user.IsInRole(Policies.Admin)) return db.Proposals;
        var actor = AuditTrail.Actor(user);
        return db.Proposals.Where(p => p.Author == actor);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Proposal not found.", detail: $"No proposal has the id '{id}'.");
}
