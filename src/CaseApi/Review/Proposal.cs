using System.Text.Json;

namespace CaseApi.Review;

/// <summary>
/// A change to one case that waits for a second person: it lives in its own table, outside the cases, so no read of the
/// store (cases, statistics, exports, releases, the change feed) ever sees it until it is approved and applied.
/// </summary>
public sealed class Proposal
{
    public Guid Id { get; set; }

    /// <summary>create, replace, patch or delete (<see cref="ProposalKinds"/>).</summary>
    public string Kind { get; set; } = "";

    /// <summary>pending, approved, rejected or withdrawn (<see cref="ProposalStatuses"/>).</summary>
    public string Status { get; set; } = ProposalStatuses.Pending;

    /// <summary>The case the change is to; for a create, the case approval made (null until then).</summary>
    public Guid? CaseId { get; set; }

    /// <summary>The case's slug when proposed (for a create, the slug it will have).</summary>
    public string? Slug { get; set; }

    /// <summary>The request body as the write endpoint took it: a case for create and replace, a merge patch for patch, none for delete.</summary>
    public JsonDocument? Change { get; set; }

    /// <summary>The case's ETag when the change was proposed: approval applies the change with it as If-Match.</summary>
    public string? BaseVersion { get; set; }

    public string? Note { get; set; }
    public string Author { get; set; } = "";
    public DateTimeOffset ProposedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Why a reviewer rejected it (required then).</summary>
    public string? Reason { get; set; }

    public string RequestId { get; set; } = "";
}

public static class ProposalKinds
{
    public const string Create = "create";
    public const string Replace = "replace";
    public const string Patch = "patch";
    public const string Delete = "delete";

    /// <summary>The kind of change a case write route makes, by its method.</summary>
    public static string Of(string method) =>
        HttpMethods.IsPost(method) ? Create : HttpMethods.IsPut(method) ? Replace : HttpMethods.IsPatch(method) ? Patch : Delete;

    /// <summary>The method that applies a kind of change.</summary>
    public static string Method(string kind) => kind switch
    {
        Create => HttpMethods.Post,
        Replace => HttpMethods.Put,
        Patch => HttpMethods.Patch,
        _ => HttpMethods.Delete,
    };
}

public static class ProposalStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } = [Pending, Approved, Rejected, Withdrawn];
}
