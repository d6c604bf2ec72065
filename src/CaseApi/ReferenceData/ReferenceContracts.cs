namespace CaseApi.ReferenceData;

public sealed record SectorResponse(string Code, string Name, string? Description);

public sealed record SponsorResponse(string Code, string Name, string? Description, string Type, string? Parent);

public sealed record PolicyDocumentResponse(string Code, string Name, string? Description, int? Year, IReadOnlyList<string> Sectors);

public sealed record SourceListResponse(string Code, string Name, string? Description, string? Publisher, int? CoverageFrom, int? CoverageTo);

public sealed record CodeResponse(string Code, string? Description = null);

/// <summary>Every code list a client needs, so none are hard-coded in clients.</summary>
public sealed record CodeListsResponse(
    IReadOnlyList<CodeResponse> ActivityTypes,
    IReadOnlyList<CodeResponse> Tradecraft,
    IReadOnlyList<CodeResponse> CollectorTypes,
    IReadOnlyList<CodeResponse> Outcomes,
    IReadOnlyList<CodeResponse> VictimTypes,
    IReadOnlyList<CodeResponse> SourceKinds,
    IReadOnlyList<CodeResponse> SponsorConfidence,
    IReadOnlyList<CodeResponse> SponsorTypes,
    IReadOnlyList<CodeResponse> MatchMethods,
    IReadOnlyList<CodeResponse> UsStates,
    IReadOnlyList<SectorResponse> Sectors,
    IReadOnlyList<SponsorResponse> Sponsors,
    IReadOnlyList<PolicyDocumentResponse> PolicyDocuments,
    IReadOnlyList<SourceListResponse> SourceLists);
