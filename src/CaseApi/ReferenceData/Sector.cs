namespace CaseApi.ReferenceData;

public sealed class Sector
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
}
