namespace CaseApi.ReferenceData;

/// <summary>One row per sector a policy document's objectives name: the mapping every alignment figure is derived from.</summary>
public sealed class PolicyDocumentSector
{
    public required string PolicyCode { get; set; }
    public required string SectorCode { get; set; }
}
