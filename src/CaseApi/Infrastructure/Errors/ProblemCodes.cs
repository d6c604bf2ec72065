namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// The stable <c>code</c> every problem carries beside its <c>type</c>: a short kebab-case name clients branch on
/// (the <c>title</c> is prose and may be reworded; a code never changes meaning and is never reused). A problem gets
/// its status's general code (<see cref="ProblemTypes"/>) unless whoever wrote it named a more precise cause, one of
/// <see cref="Precise"/>. docs/reference/errors.md lists every code; a test holds the list and this one together.
/// </summary>
public static class ProblemCodes
{
    /// <summary>The problem member that carries the code.</summary>
    public const string Member = "code";

    /// <summary>How a code is spelled, for the contract and its test.</summary>
    public const string Pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

    public const string ValidationFailed = "validation-failed";
    public const string InvalidJson = "invalid-json";
    public const string InvalidParameter = "invalid-parameter";
    public const string UnstorableCharacters = "unstorable-characters";
    public const string DuplicateKey = "duplicate-key";
    public const string StillReferenced = "still-referenced";
    public const string WriteConflict = "write-conflict";
    public const string DatabaseUnavailable = "database-unavailable";
    public const string MalformedIfMatch = "malformed-if-match";
    public const string ImportUnreadable = "import-unreadable";
    public const string FormWithoutFile = "form-without-file";
    public const string ImportLimitExceeded = "import-limit-exceeded";
    public const string SlugTaken = "slug-taken";
    public const string NameTaken = "name-taken";
    public const string CodeInUse = "code-in-use";
    public const string IdempotencyKeyReused = "idempotency-key-reused";
    public const string IdempotencyKeyInFlight = "idempotency-key-in-flight";
    public const string CoverageUndefined = "coverage-undefined";
    public const string AmbiguousName = "ambiguous-name";
    public const string ShuttingDown = "shutting-down";
    public const string MergeIntoItself = "merge-into-itself";
    public const string EntityMerged = "entity-merged";
    public const string KindMismatch = "kind-mismatch";
    public const string ReviewRequired = "review-required";
    public const string OwnProposal = "own-proposal";
    public const string NotTheAuthor = "not-the-author";
    public const string ProposalClosed = "proposal-closed";
    public const string ProposalConflict = "proposal-conflict";

    /// <summary>The precise codes, with the status each is sent with.</summary>
    public static IReadOnlyDictionary<string, int> Precise { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [ValidationFailed] = 400,
        [InvalidJson] = 400,
        [InvalidParameter] = 400,
        [UnstorableCharacters] = 400,
        [DuplicateKey] = 409,
        [StillReferenced] = 409,
        [WriteConflict] = 409,
        [DatabaseUnavailable] = 503,
        [MalformedIfMatch] = 400,
        [ImportUnreadable] = 400,
        [FormWithoutFile] = 400,
        [ImportLimitExceeded] = 413,
        [SlugTaken] = 409,
        [NameTaken] = 409,
        [CodeInUse] = 409,
        [IdempotencyKeyReused] = 422,
        [IdempotencyKeyInFlight] = 409,
        [CoverageUndefined] = 422,
        [AmbiguousName] = 422,
        [ShuttingDown] = 503,
        [MergeIntoItself] = 422,
        [EntityMerged] = 409,
        [KindMismatch] = 422,
        [ReviewRequired] = 403,
        [OwnProposal] = 403,
        [NotTheAuthor] = 403,
        [ProposalClosed] = 409,
        [ProposalConflict] = 409,
    };
}
