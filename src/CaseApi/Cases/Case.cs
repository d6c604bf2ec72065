namespace CaseApi.Cases;

/// <summary>
/// A documented case. Partial dates are kept as a date plus its precision so that they read back exactly as given.
/// Each writable property has the name of its <see cref="CaseRequest"/> parameter (a partial date adds its
/// <c>…Precision</c>; <see cref="SponsorCode"/> stores the sponsor), which is how <see cref="CaseColumns"/> pairs them.
/// </summary>
public sealed class Case
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Summary { get; set; }
    public string[] ActivityTypes { get; set; } = [];
    public string[] Tradecraft { get; set; } = [];
    public string? SponsorCode { get; set; }
    public string? SponsorConfidence { get; set; }
    public string CollectorType { get; set; } = "";
    public string? CollectorCitizenship { get; set; }
    public string[] Defendants { get; set; } = [];
    public string[] Sectors { get; set; } = [];
    public string[] VictimTypes { get; set; } = [];
    public string[] Victims { get; set; } = [];
    public string[] UsStates { get; set; } = [];
    public string? Venue { get; set; }
    public DateOnly? ActivityStart { get; set; }
    public DatePrecision? ActivityStartPrecision { get; set; }
    public DateOnly? ActivityEnd { get; set; }
    public DatePrecision? ActivityEndPrecision { get; set; }
    public DateOnly? ChargedOn { get; set; }
    public DatePrecision? ChargedOnPrecision { get; set; }
    public DateOnly? ResolvedOn { get; set; }
    public DatePrecision? ResolvedOnPrecision { get; set; }
    public string Outcome { get; set; } = "";
    public int? SentenceMonths { get; set; }
    public decimal? FineUsd { get; set; }
    public decimal? LossUsd { get; set; }
    public List<CaseSource> Sources { get; set; } = [];
    public string[] Tags { get; set; } = [];
    public string[] ListedIn { get; set; } = [];
    public List<ListEvidence> ListEvidence { get; set; } = [];
    public string[] CollectorEmployers { get; set; } = [];
    public string[] SponsoringUnits { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin: changes on every write, so it is the strong ETag and the optimistic-concurrency token.</summary>
    public uint Version { get; set; }
}
