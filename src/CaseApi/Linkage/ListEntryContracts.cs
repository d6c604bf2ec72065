using System.ComponentModel;
using System.Text.Json.Nodes;
using FluentValidation;

namespace CaseApi.Linkage;

/// <summary>How to read an upload of a list's entries, and whether to write it.</summary>
/// <param name="DryRun">true: read, match and report, writing nothing.</param>
/// <param name="Reference">The column holding the list's own reference for an entry (an id or a URL). Naming any column saves the
/// mapping for the list; without any, the list's saved mapping is used.</param>
/// <param name="Names">The column holding the people named ("First Last, First Last", "Last, First; Last, First", "A and B").</param>
/// <param name="Date">The column holding the entry's date (yyyy, yyyy-mm or yyyy-mm-dd).</param>
/// <param name="Headline">The column holding a headline, title or description.</param>
/// <param name="Places">The column holding a place (a district, a city and state, a dateline).</param>
/// <param name="NameOrder">How the names cell is written: Auto (default), GivenFirst or FamilyFirst.</param>
public sealed record ListEntryUploadQuery(
    [property: DefaultValue(false)] bool? DryRun, string? Reference, string? Names, string? Date, string? Headline, string? Places,
    string? NameOrder)
{
    public bool NamesAMapping => Reference is not null || Names is not null || Date is not null || Headline is not null || Places is not null
        || NameOrder is not null;
}

public sealed class ListEntryUploadQueryValidator : AbstractValidator<ListEntryUploadQuery>
{
    public ListEntryUploadQueryValidator()
    {
        RuleFor(q => q.Reference).NotEmpty().When(q => q.NamesAMapping)
            .WithMessage("A mapping names the reference column: every entry is found again by it on a re-upload.");
        Func<ListEntryUploadQuery, string?>[] columns = [q => q.Reference, q => q.Names, q => q.Date, q => q.Headline, q => q.Places];
        foreach (var column in columns)
        {
            RuleFor(q => column(q)).MaximumLength(200).OverridePropertyName("column");
        }
        RuleFor(q => q.NameOrder).IsEnumName(typeof(NameOrder), caseSensitive: false)
            .WithMessage("'{PropertyValue}' is not a name order; use Auto, GivenFirst or FamilyFirst.");
    }
}

/// <summary>The column mapping an upload used (and, unless a dry run, saved for the list).</summary>
public sealed record ListMappingResponse(string Reference, string? Names, string? Date, string? Headline, string? Places, string NameOrder);

/// <summary>
/// The report of an upload: rows received, entries created, updated (their row changed) and unchanged, rows rejected
/// with the first 1000 errors, and where the list's entries stand after matching.
/// </summary>
public sealed record ListEntryUploadResponse(
    string List, bool DryRun, string Format, ListMappingResponse Mapping, int Received, int Created, int Updated, int Unchanged,
    int Rejected, IReadOnlyList<ListEntryError> Errors, ListLinkageCounts Linkage);

/// <summary>
/// One row that was not read: its number (1-based, not counting a header; in an .xlsx the sheet's own row number), its
/// reference when known, the column, why.
/// </summary>
public sealed record ListEntryError(int Row, string? Reference, string? Column, string Message);

/// <summary>
/// A list's entries by where they stand: linked (a reviewer accepted a case), suggested (candidates at or above the
/// suggestion threshold wait for review), rejected (every such candidate was rejected), unmatched (none).
/// </summary>
public sealed record ListLinkageCounts(int Entries, int Linked, int Suggested, int Rejected, int Unmatched);

/// <summary>Which entries to list.</summary>
/// <param name="Status">unmatched, suggested, linked or rejected; all when absent.</param>
/// <param name="Limit">Entries per page, 1–1000 (default 50).</param>
/// <param name="After">The last reference of the previous page: entries are in reference order.</param>
public sealed record ListEntryQuery(string? Status, int? Limit, string? After)
{
    public int PageSize => Limit ?? 50;
}

public sealed class ListEntryQueryValidator : AbstractValidator<ListEntryQuery>
{
    public ListEntryQueryValidator()
    {
        RuleFor(q => q.Status).Must(s => s is null || EntryStatuses.All.Contains(s))
            .WithMessage($"'{{PropertyValue}}' is not an entry status; use {string.Join(", ", EntryStatuses.All)}.");
        RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
        RuleFor(q => q.After).MaximumLength(ListEntryUpload.MaxReferenceLength);
    }
}

public static class EntryStatuses
{
    public const string Unmatched = "unmatched";
    public const string Suggested = "suggested";
    public const string Linked = "linked";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Unmatched, Suggested, Linked, Rejected];
}

/// <summary>A page of a list's entries; nextAfter is the After of the next page (null on the last).</summary>
public sealed record ListEntryPage(IReadOnlyList<ListEntryResponse> Items, string? NextAfter);

/// <summary>An entry as uploaded (its raw row and the fields read from it), where it stands, and its candidate cases, best first.</summary>
public sealed record ListEntryResponse(
    Guid Id, string List, string Reference, int Row, string Status, string? Names, IReadOnlyList<string> NameKeys, string? Date,
    string? Headline, string? Places, JsonObject Raw, IReadOnlyList<CandidateResponse> Candidates);

/// <summary>
/// A candidate case of an entry: its score (the sum of the features' weights, in bits), the posterior probability of a
/// match, each feature's level and weight, and the reviewer's decision if any.
/// </summary>
public sealed record CandidateResponse(
    Guid CaseId, string Slug, string Title, double Score, double MatchProbability, bool Suggested, IReadOnlyList<FeatureResponse> Features,
    string? Decision, string? MatchMethod, string? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary>
/// One feature of a candidate: its level (<c>missing</c> when either side lacks it), its weight in bits, and m and u (null
/// when missing).
/// </summary>
public sealed record FeatureResponse(string Feature, string Level, double Weight, double? M, double? U)
{
    // JSON has no NaN: the model marks a missing feature's m and u so, the contract says null.
    internal static FeatureResponse From(FeatureWeight f) =>
        new(f.Feature, f.Level, f.Weight, double.IsNaN(f.M) ? null : f.M, double.IsNaN(f.U) ? null : f.U);
}

/// <summary>The case a reviewer accepts or rejects for an entry: its id or its slug.</summary>
public sealed record EntryDecisionRequest(string? Case);

public sealed class EntryDecisionRequestValidator : AbstractValidator<EntryDecisionRequest>
{
    public EntryDecisionRequestValidator() => RuleFor(r => r.Case).NotEmpty().MaximumLength(120);
}

/// <summary>
/// Accept, for every entry waiting for review, its best candidate when it scores at least the threshold and leads the
/// next by the margin.
/// </summary>
/// <param name="Threshold">In bits; the configured acceptance threshold when absent.</param>
public sealed record BulkAcceptRequest(double? Threshold);

public sealed class BulkAcceptRequestValidator : AbstractValidator<BulkAcceptRequest>
{
    public BulkAcceptRequestValidator() => RuleFor(r => r.Threshold).InclusiveBetween(-100, 100);
}

/// <summary>What a bulk acceptance did: the links it made (matchMethod rule), at which threshold and margin, and by whom.</summary>
public sealed record BulkAcceptResponse(string List, int Accepted, double Threshold, double Margin, string Reviewer, ListLinkageCounts Linkage);

/// <summary>A case's membership of one list: the list's references for the case (each a piece of evidence), if any.</summary>
public sealed record MembershipRequest(IReadOnlyList<string?>? References);

public sealed class MembershipRequestValidator : AbstractValidator<MembershipRequest>
{
    public MembershipRequestValidator()
    {
        RuleFor(r => r.References).Must(r => r is null || r.Count <= 100).WithMessage("At most 100 references.");
        RuleForEach(r => r.References).NotEmpty().MaximumLength(ListEntryUpload.MaxReferenceLength);
    }
}
