namespace CaseApi.ReferenceData;

/// <summary>An independent published compilation of cases: a "capture list" for coverage estimation.</summary>
public sealed class SourceList : IReferenceRow
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? Publisher { get; set; }
    public int? CoverageFrom { get; set; }
    public int? CoverageTo { get; set; }
}
