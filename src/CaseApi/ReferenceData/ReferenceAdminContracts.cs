namespace CaseApi.ReferenceData;

public sealed record SectorRequest(string? Name, string? Description = null);

public sealed record SponsorRequest(string? Name, string? Type, string? Description = null, string? Parent = null);

/// <summary>A policy document and the sectors its objectives name: the mapping every alignment figure is derived from.</summary>
public sealed record PolicyDocumentRequest(string? Name, IReadOnlyList<string?>? Sectors, string? Description = null, int? Year = null);

public sealed record SourceListRequest(
    string? Name, string? Description = null, string? Publisher = null, int? CoverageFrom = null, int? CoverageTo = null);
