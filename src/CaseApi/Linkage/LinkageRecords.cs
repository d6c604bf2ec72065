using CaseApi.Cases;

namespace CaseApi.Linkage;

/// <summary>
/// One row of a published list after its column mapping: the list's own reference (an id or a URL), the names cell as
/// published, a date, a headline or title, and a place text. <see cref="NameOrder"/> is the list's name order when
/// the mapping states it.
/// </summary>
public sealed record ListEntry(
    string Reference, string? Names, PartialDate? Date, string? Headline, string? Places, NameOrder NameOrder = NameOrder.Auto);

/// <summary>
/// A case as the matcher sees it, in the shape the case store holds (phase 2 reads these columns from SQL).
/// <paramref name="Key"/> is echoed back (the case's id or slug); <paramref name="References"/> are URLs and ids the
/// case already cites: its sources' URLs and its list evidence references.
/// </summary>
public sealed record CandidateCase(
    string Key, string Title, IReadOnlyList<string> Defendants, PartialDate? ChargedOn, PartialDate? ResolvedOn,
    PartialDate? ActivityStart, PartialDate? ActivityEnd, IReadOnlyList<string> UsStates, string? Venue,
    IReadOnlyList<string> References);
