namespace CaseApi.Interop.Taxii;

/// <summary>
/// A TAXII collection: the live store (<see cref="UpTo"/> null) or a release, which holds what the history held up to the
/// release's position and so never changes.
/// </summary>
internal sealed record TaxiiCollection(Guid Id, string Alias, string Title, string Description, long? UpTo);

/// <summary>
/// Where a page of a collection ends: the commit position and the history entry the last object came from, and that object's
/// place among the objects the entry maps to (a case's entry is its report, then the relationships it states).
/// </summary>
internal sealed record TaxiiPosition(long Position, long Entry, int Index) : IComparable<TaxiiPosition>
{
    public static TaxiiPosition Start { get; } = new(0, 0, -1);

    public int CompareTo(TaxiiPosition? other) => other is null ? 1
        : Position != other.Position ? Position.CompareTo(other.Position)
        : Entry != other.Entry ? Entry.CompareTo(other.Entry)
        : Index.CompareTo(other.Index);
}

/// <summary>
/// What <c>match[version]</c> keeps: every version, the first or the last of each object, and versions whose <c>modified</c>
/// is one of the given timestamps. The default is the last.
/// </summary>
internal sealed record TaxiiVersions(bool All, bool First, bool Last, IReadOnlySet<DateTimeOffset> Modified)
{
    public static TaxiiVersions Latest { get; } = new(false, false, true, new HashSet<DateTimeOffset>());

    public static TaxiiVersions Every { get; } = new(true, false, false, new HashSet<DateTimeOffset>());
}

/// <summary>The filters of a request to a collection's objects, manifest or versions (TAXII 2.1 §3.4, §5).</summary>
internal sealed record TaxiiFilter(
    DateTimeOffset? AddedAfter, IReadOnlySet<string>? Ids, IReadOnlySet<string>? Types, TaxiiVersions Versions, int Limit, TaxiiPosition After);

/// <summary>One version of one STIX object in a collection, as its JSON text, with when the collection added it.</summary>
internal sealed record TaxiiObject(string Id, string Type, string Modified, DateTimeOffset DateAdded, string Json, TaxiiPosition At);

/// <summary>A page of object versions in the order the collection added them, and whether more follow it.</summary>
internal sealed record TaxiiPage(IReadOnlyList<TaxiiObject> Objects, bool More)
{
    public TaxiiPosition? Next => More ? Objects[^1].At : null;
}
