namespace CaseApi.Review;

/// <summary>What a write route does when Review:Mode says its caller's change needs a second person (docs/guides/review.md).</summary>
public enum ReviewRule
{
    /// <summary>
    /// The write is validated as a direct one would be, stored as a proposal and answered 202 (case create, replace, patch, delete).
    /// </summary>
    Proposal,

    /// <summary>The write has no proposal form (bulk or side paths): refused with a 403 review-required problem that says why.</summary>
    Refused,

    /// <summary>The write is not case content (reference data, releases, keys; admins only): it publishes in every mode.</summary>
    Exempt,
}

/// <summary>The rule a route declared, as endpoint metadata: the gate reads it, and a test holds every write route to having one.</summary>
public sealed record ReviewDeclaration(ReviewRule Rule, string? Because);

/// <summary>Why a route is refused under review, in the words its 403 problem uses.</summary>
public static class ReviewReasons
{
    public const string Bulk =
        "It writes many cases at once, and review is of one change to one case at a time. Ask an admin to run it while Review:Mode "
        + "is off or editors, or propose the cases one by one (POST, PUT, PATCH or DELETE /api/v1/cases).";

    public const string Membership =
        "A list membership is part of the case: propose it as a merge patch of the case's listedIn and listEvidence "
        + "(PATCH /api/v1/cases/{id}), which a reviewer approves like any other change.";

    public const string Linkage =
        "Accepting or rejecting a list entry's match changes the case's list memberships: a reviewer or an admin decides these "
        + "while review is on, or an editor proposes the membership as a merge patch of the case.";

    public const string Entity =
        "People and organisations are shared by many cases and have no proposal form yet: a reviewer or an admin edits them "
        + "while review is on, and a case proposal that names a new person makes the entity when it is approved.";
}
