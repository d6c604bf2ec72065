using CaseApi.Cases;

namespace CaseApi.Linkage;

/// <summary>
/// One entry of a published list as uploaded: its raw row (JSON object of the cells as published) and the fields the
/// list's column mapping reads from it. Keyed for re-uploads by (list, the list's own reference).
/// </summary>
public sealed class SourceListEntry
{
    public Guid Id { get; set; }
    public string ListCode { get; set; } = "";
    public string Reference { get; set; } = "";
    public int RowNumber { get; set; }
    public string Raw { get; set; } = "{}";
    public string? Names { get; set; }
    public DateOnly? EntryDate { get; set; }
    public DatePrecision? EntryDatePrecision { get; set; }
    public string? Headline { get; set; }
    public string? Places { get; set; }

    /// <summary>The names as the matcher reads them, one folded form per person ("john smith").</summary>
    public string[] NameKeys { get; set; } = [];
    public DateTimeOffset UploadedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A case the blocker found for an entry, its comparison vector (one agreement level per feature, −1 missing) and the
/// score under the current model; a reviewer's decision (accepted or rejected) survives re-uploads and refits.
/// </summary>
public sealed class EntryCandidate
{
    public Guid EntryId { get; set; }
    public Guid CaseId { get; set; }
    public short NameLevel { get; set; }
    public short DateLevel { get; set; }
    public short TitleLevel { get; set; }
    public short PlaceLevel { get; set; }
    public short ReferenceLevel { get; set; }
    public double Score { get; set; }
    public string? Decision { get; set; }
    public string? MatchMethod { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The threshold of a bulk acceptance (matchMethod rule).</summary>
    public double? Threshold { get; set; }

    public ComparisonVector Vector => new(NameLevel, DateLevel, TitleLevel, PlaceLevel, ReferenceLevel);
}

/// <summary>Which columns of a list's published file hold what; saved per list by an upload that states it.</summary>
public sealed class ListMapping
{
    public string ListCode { get; set; } = "";
    public string Reference { get; set; } = "";
    public string? Names { get; set; }
    public string? Date { get; set; }
    public string? Headline { get; set; }
    public string? Places { get; set; }
    public NameOrder NameOrder { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

/// <summary>
/// What the blocker indexes of a case, kept in step with the case by its row version: each folded form of each
/// defendant's name (kind 'n', in a pg_trgm GIN index), each reference it cites (kind 'r'), and one marker row (kind
/// 'v') so that a case with neither is known to be current.
/// </summary>
public sealed class LinkageCaseKey
{
    public long Id { get; set; }
    public Guid CaseId { get; set; }
    public long CaseVersion { get; set; }
    public char Kind { get; set; }
    public string Value { get; set; } = "";
}

/// <summary>The Fellegi–Sunter model the stored scores were computed with (one row): EM's fit over every candidate, or configured.</summary>
public sealed class LinkageModelState
{
    public int Id { get; set; }
    public string Model { get; set; } = "{}";
    public int Pairs { get; set; }
    public DateTimeOffset FittedAt { get; set; }
}
