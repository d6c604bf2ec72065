using System.ComponentModel;
using System.Text.Json;
using CaseApi.Infrastructure.Paging;

namespace CaseApi.Review;

/// <summary>A proposed change to one case, with what it would change in the case as it is now.</summary>
/// <param name="Id">The proposal's id.</param>
/// <param name="Kind">create, replace, patch or delete.</param>
/// <param name="Status">pending, approved, rejected or withdrawn.</param>
/// <param name="CaseId">The case it changes; for a create, the case its approval made (null until then).</param>
/// <param name="Slug">The case's slug when proposed (for a create, the slug it asks for).</param>
/// <param name="BaseVersion">The case's ETag the change was made against; approval applies it with this as If-Match.</param>
/// <param name="CurrentVersion">The case's ETag now (null when there is no such case): different from baseVersion means someone
/// changed the case since, and approval will report the conflict rather than apply the change over it.</param>
/// <param name="Note">The author's note to the reviewer.</param>
/// <param name="Author">Who proposed it, as the audit names actors.</param>
/// <param name="ProposedAt">When it was proposed.</param>
/// <param name="DecidedBy">Who approved, rejected or withdrew it.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Change">The request as sent: a case for create and replace, a JSON Merge Patch for patch, null for delete.</param>
/// <param name="Changes">Per field the change would make to the case as it is now, <c>{from, to}</c> (the audit's diff).</param>
public sealed record ProposalResponse(
    Guid Id, string Kind, string Status, Guid? CaseId, string? Slug, string? BaseVersion, string? CurrentVersion, string? Note,
    string Author, DateTimeOffset ProposedAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? Reason, JsonElement? Change,
    JsonElement? Changes);

/// <summary>The queue: proposals by status, oldest first (the order a reviewer works through them).</summary>
/// <param name="Status">pending (the default), approved, rejected or withdrawn.</param>
/// <param name="Limit">Proposals per page, 1–1000 (default 50).</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
public sealed record ProposalListQuery(
    [property: DefaultValue(ProposalStatuses.Pending)] string? Status, [property: DefaultValue(PagingRules.DefaultLimit)] int? Limit,
    string? Cursor)
{
    public string StatusOrPending => Status ?? ProposalStatuses.Pending;
    public int PageSize => Limit ?? PagingRules.DefaultLimit;
}

/// <summary>Where a page of proposals ends.</summary>
internal sealed record ProposalCursor(DateTimeOffset ProposedAt, Guid Id);

/// <summary>A reviewer's rejection.</summary>
/// <param name="Reason">Why (1 to 2,000 characters): the author reads it.</param>
public sealed record RejectProposalRequest(string? Reason);
