using System.Linq.Expressions;
using System.Text.Json.Serialization;
using CaseApi.Store;

namespace CaseApi.Cases;

/// <summary>
/// A case as clients write it: POST and PUT bodies, merge-patch targets and import rows all take this shape,
/// so one validator serves them all. Everything is nullable so that a missing field is a validation error
/// naming the field rather than a deserialisation failure.
/// </summary>
public sealed record CaseRequest(
    string? Slug,
    string? Title,
    string? Summary,
    IReadOnlyList<string?>? ActivityTypes,
    IReadOnlyList<string?>? Tradecraft,
    string? Sponsor,
    string? SponsorConfidence,
    string? CollectorType,
    string? CollectorCitizenship,
    IReadOnlyList<string?>? Defendants,
    IReadOnlyList<string?>? Sectors,
    IReadOnlyList<string?>? VictimTypes,
    IReadOnlyList<string?>? Victims,
    IReadOnlyList<string?>? UsStates,
    string? Venue,
    string? ActivityStart,
    string? ActivityEnd,
    string? ChargedOn,
    string? ResolvedOn,
    string? Outcome,
    int? SentenceMonths,
    decimal? FineUsd,
    decimal? LossUsd,
    IReadOnlyList<CaseSource?>? Sources,
    IReadOnlyList<string?>? Tags,
    IReadOnlyList<string?>? ListedIn,
    IReadOnlyList<ListEvidence?>? ListEvidence = null,
    IReadOnlyList<string?>? CollectorEmployers = null,
    IReadOnlyList<string?>? SponsoringUnits = null);

/// <summary>A published source for a case. A value, not an entity: it is stored inside the case row as JSON.</summary>
public sealed record CaseSource(string? Url, string? Title = null, string? Publisher = null, string? PublishedOn = null, string? Kind = null);

/// <summary>
/// Why a case is on one of its lists: the list's own reference for it (an entry id or URL) and how the case was matched
/// to that entry. A value stored inside the case row as JSON, like sources.
/// </summary>
/// <param name="List">The source-list code; one of the case's <c>listedIn</c> codes, at most one evidence per list.</param>
/// <param name="Reference">The list's own id or URL for this case (at most 500 characters; a URL must be http or https).</param>
/// <param name="MatchMethod"><c>manual</c> (a person compared the entry with the case) or <c>rule</c> (an automatic rule did).</param>
/// <param name="MatchedBy">Who matched them: a person, or the name of the rule (at most 200 characters).</param>
/// <param name="MatchedAt">When they were matched (not in the future).</param>
/// <param name="Threshold">For a rule: the score (in bits) from which the rule accepted the matcher's best candidate.</param>
public sealed record ListEvidence(
    string? List, string? Reference = null, string? MatchMethod = null, string? MatchedBy = null, DateTimeOffset? MatchedAt = null,
    double? Threshold = null)
{
    /// <summary>The short CSV form written by hand: "list" or "list=reference" (the reference may itself contain '=').</summary>
    internal static ListEvidence FromPair(string pair) => pair.IndexOf('=', StringComparison.Ordinal) is var i and >= 0
        ? new(pair[..i].Trim(), pair[(i + 1)..].Trim() is { Length: > 0 } reference ? reference : null)
        : new(pair.Trim());
}

/// <summary>A case as the API returns it, with the derived policy alignment.</summary>
public sealed record CaseResponse(
    Guid Id,
    string Slug,
    string Title,
    string? Summary,
    IReadOnlyList<string> ActivityTypes,
    IReadOnlyList<string> Tradecraft,
    string? Sponsor,
    string? SponsorConfidence,
    string CollectorType,
    string? CollectorCitizenship,
    IReadOnlyList<string> Defendants,
    IReadOnlyList<string> Sectors,
    IReadOnlyList<string> VictimTypes,
    IReadOnlyList<string> Victims,
    IReadOnlyList<string> UsStates,
    string? Venue,
    string? ActivityStart,
    string? ActivityEnd,
    string? ChargedOn,
    string? ResolvedOn,
    string Outcome,
    int? SentenceMonths,
    decimal? FineUsd,
    decimal? LossUsd,
    IReadOnlyList<CaseSource> Sources,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> ListedIn,
    IReadOnlyList<ListEvidence> ListEvidence,
    IReadOnlyList<string> CollectorEmployers,
    IReadOnlyList<string> SponsoringUnits,
    bool PolicyAligned,
    IReadOnlyList<string> AlignedPolicies,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The row version behind the ETag header; not part of the body.</summary>
    [JsonIgnore]
    public uint Version { get; init; }

    /// <summary>
    /// The one mapping from a stored case and its aligned policies to what the API shows. <see cref="Projection"/> is it
    /// over the current mapping in SQL; the change feed applies it to rows of the history with the alignment of their position.
    /// </summary>
    internal static readonly Expression<Func<Case, string[], CaseResponse>> Shown = (c, alignedPolicies) => new CaseResponse(
        c.Id, c.Slug, c.Title, c.Summary, c.ActivityTypes, c.Tradecraft, c.SponsorCode, c.SponsorConfidence,
        c.CollectorType, c.CollectorCitizenship, c.Defendants, c.Sectors, c.VictimTypes, c.Victims, c.UsStates, c.Venue,
        PartialDate.Format(c.ActivityStart, c.ActivityStartPrecision),
        PartialDate.Format(c.ActivityEnd, c.ActivityEndPrecision),
        PartialDate.Format(c.ChargedOn, c.ChargedOnPrecision),
        PartialDate.Format(c.ResolvedOn, c.ResolvedOnPrecision),
        c.Outcome, c.SentenceMonths, c.FineUsd, c.LossUsd, c.Sources, c.Tags, c.ListedIn, c.ListEvidence,
        c.CollectorEmployers ?? Array.Empty<string>(), c.SponsoringUnits ?? Array.Empty<string>(),
        alignedPolicies.Length > 0,
        alignedPolicies,
        c.CreatedAt, c.UpdatedAt)
    {
        Version = c.Version,
    };

    /// <summary>
    /// One SQL query: the alignment comes from the aligned_policies() database function over the current
    /// policy-to-sector mapping, and partial dates are formatted in the final (client-side) projection step.
    /// </summary>
    internal static readonly Expression<Func<Case, CaseResponse>> Projection = WithAlignment(c => CaseDbContext.AlignedPolicies(c.Sectors));

    /// <summary><see cref="Shown"/> with the aligned policies computed from the case by <paramref name="aligned"/>, one expression for EF.</summary>
    internal static Expression<Func<Case, CaseResponse>> WithAlignment(Expression<Func<Case, string[]>> aligned)
    {
        var c = Shown.Parameters[0];
        var body = new Substitute(Shown.Parameters[1], new Substitute(aligned.Parameters[0], c).Visit(aligned.Body)).Visit(Shown.Body);
        return Expression.Lambda<Func<Case, CaseResponse>>(body, c);
    }

    private sealed class Substitute(ParameterExpression parameter, Expression by) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? by : node;
    }
}

/// <summary>What a bulk delete matched (a dry run) or removed (the commit).</summary>
/// <param name="DryRun">Whether nothing was deleted.</param>
/// <param name="Count">The cases matched (dry run) or deleted.</param>
/// <param name="FirstIds">The first of them by slug (at most 20).</param>
/// <param name="Token">A dry run's token for the commit; null after the commit.</param>
/// <param name="StoreVersion">The store version the dry run read, which the commit requires unchanged.</param>
public sealed record BulkDeleteResponse(bool DryRun, int Count, IReadOnlyList<Guid> FirstIds, string? Token, long StoreVersion);
