namespace CaseApi.ReferenceData;

public sealed class Sector : IReferenceRow
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
}
