namespace CaseApi.Statistics;

/// <summary>
/// GET /stats/cases: one row per group, each with the dimension values, <c>count</c>, <c>share</c> (count ÷ total) and the
/// requested metrics. A case counts once in every value of a multi-valued dimension, so shares can sum past 1.
/// </summary>
public sealed record CaseStatisticsResponse(IReadOnlyList<string> GroupBy, long Total, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);

public sealed record CountShare(long Count, double Share);

/// <summary>GET /stats/summary: the figures a study's findings section quotes.</summary>
public sealed record SummaryResponse(
    long TotalCases,
    CountShare PolicyAligned,
    IReadOnlyList<SectorShare> TopSectors,
    IReadOnlyList<SponsorTypeShare> BySponsorType,
    IReadOnlyList<CollectorTypeShare> ByCollectorType,
    IReadOnlyList<ActivityTypeShare> ByActivityType,
    IReadOnlyList<OutcomeShare> ByOutcome,
    YearRange YearRange);

public sealed record SectorShare(string Sector, long Count, double Share);

/// <summary>A null sponsor type counts the cases whose sponsor is unknown.</summary>
public sealed record SponsorTypeShare(string? SponsorType, long Count, double Share);

public sealed record CollectorTypeShare(string CollectorType, long Count, double Share);

public sealed record ActivityTypeShare(string ActivityType, long Count, double Share);

public sealed record OutcomeShare(string Outcome, long Count, double Share);

/// <summary>The first and last year of <c>dateField</c> among the matching cases; null when none has that date.</summary>
public sealed record YearRange(int? From, int? To);

/// <summary>GET /stats/policy-alignment: how many cases target sectors each policy document names, from the current mapping.</summary>
public sealed record PolicyAlignmentResponse(long TotalCases, CountShare AnyDocument, IReadOnlyList<DocumentShare> Documents);

public sealed record DocumentShare(string Code, string Title, long Count, double Share);
