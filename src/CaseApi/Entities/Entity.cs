namespace CaseApi.Entities;

/// <summary>
/// A person or organisation that cases name: a defendant, a victim, a collector's employer or a sponsoring unit.
/// <see cref="MatchKeys"/> are the normalised forms of the name and the aliases (<see cref="EntityNames"/>), by which a
/// name written in a case finds its entity; a merged entity keeps its row, pointing at the survivor with
/// <see cref="MergedInto"/>, so its id and slug stay resolvable.
/// </summary>
public sealed class Entity
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string[] Aliases { get; set; } = [];
    public Dictionary<string, string> Identifiers { get; set; } = [];
    public string? Country { get; set; }
    public string? Description { get; set; }
    public string[] Sources { get; set; } = [];

    /// <summary>The sponsor (GET /sponsors) an organisation belongs to: a sponsoring unit's place in the sponsor hierarchy.</summary>
    public string? SponsorCode { get; set; }
    public string[] MatchKeys { get; set; } = [];
    public Guid? MergedInto { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin: the strong ETag and the optimistic-concurrency token, as for cases.</summary>
    public uint Version { get; set; }
}
