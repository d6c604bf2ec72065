namespace CaseApi.ReferenceData;

public sealed class PolicyDocument : IReferenceRow
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? Year { get; set; }
    public List<PolicyDocumentSector> Sectors { get; set; } = [];
}
