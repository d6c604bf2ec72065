namespace CaseApi.ReferenceData;

public sealed class Sponsor : IReferenceRow
{
    /// <summary>The most levels a sponsor hierarchy may have; the database refuses deeper ones, and lineage queries stop there.</summary>
    public const int MaxDepth = 32;

    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Type { get; set; }
    public string? ParentCode { get; set; }
}
