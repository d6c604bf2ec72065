namespace CaseApi.ReferenceData;

public sealed class Sponsor
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Type { get; set; }
    public string? ParentCode { get; set; }
}
