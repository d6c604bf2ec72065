namespace CaseApi.ReferenceData;

/// <summary>What every admin-edited reference row has: a code as its key, a name and a description.</summary>
public interface IReferenceRow
{
    string Code { get; }
    string Name { get; }
    string? Description { get; }
}
