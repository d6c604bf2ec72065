namespace CaseApi.Statistics;

/// <summary>
/// GET /stats/cases: one row per group, each with the dimension values and their labels (<c>label</c> with one dimension;
/// with more, the dimension's name plus Label, e.g. <c>sectorLabel</c>), <c>count</c>, <c>share</c> (count ÷ total) and the
/// requested metrics. A case counts once in every value of a multi-valued dimension, so shares can sum past 1.
/// </summary>
public sealed record CaseStatisticsResponse(IReadOnlyList<string> GroupBy, long Total, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);

public sealed record CountShare(long Count, double Share);

/// <summary>GET /stats/summary: the figures a study's findings section quotes.</summary>
/// <param name="TotalCases">The matching cases.</param>
/// <param name="PolicyAligned">Cases aligned with a policy document, as <c>alignment</c> defines it (sectors, or dated).</param>
/// <param name="TopSectors">The most frequent targeted sectors.</param>
/// <param name="BySponsorType">
/// Cases by the type of the organisation that directed them (the sponsor's type). Not the measure behind a study's
/// "share committed by SOE employees": a state-owned enterprise can sponsor a case that others carry out.
/// </param>
/// <param name="ByCollectorType">
/// Cases by who collected the information (the collector type). This is the measure of "the share committed by SOE
/// employees" (collector type soe-employee): the study's 23 % is 137 of its 595 cases by collector, where the sponsor
/// type state-owned-enterprise gives 149 (25 %).
/// </param>
/// <param name="ByActivityType">Cases by activity type; a case counts under each of its types.</param>
/// <param name="ByOutcome">Cases by outcome.</param>
/// <param name="YearRange">The first and last year of <c>dateField</c> among the matching cases.</param>
public sealed record SummaryResponse(
    long TotalCases,
    CountShare PolicyAligned,
    IReadOnlyList<SectorShare> TopSectors,
    IReadOnlyList<SponsorTypeShare> BySponsorType,
    IReadOnlyList<CollectorTypeShare> ByCollectorType,
    IReadOnlyList<ActivityTypeShare> ByActivityType,
    IReadOnlyList<OutcomeShare> ByOutcome,
    YearRange YearRange);

/// <summary>A breakdown row: the code, its label (name or title), the cases and their share.</summary>
public sealed record SectorShare(string Sector, string Label, long Count, double Share);

/// <summary>A null sponsor type (labelled Unknown) counts the cases whose sponsor is unknown.</summary>
public sealed record SponsorTypeShare(string? SponsorType, string Label, long Count, double Share);

public sealed record CollectorTypeShare(string CollectorType, string Label, long Count, double Share);

public sealed record ActivityTypeShare(string ActivityType, string Label, long Count, double Share);

public sealed record OutcomeShare(string Outcome, string Label, long Count, double Share);

/// <summary>The first and last year of <c>dateField</c> among the matching cases; null when none has that date.</summary>
public sealed record YearRange(int? From, int? To);

/// <summary>GET /stats/policy-alignment: how many cases target sectors each policy document names, from the current mapping.</summary>
public sealed record PolicyAlignmentResponse(long TotalCases, CountShare AnyDocument, IReadOnlyList<DocumentShare> Documents);

public sealed record DocumentShare(string Code, string Title, long Count, double Share);

/// <summary>Statistics by entity (GET /stats/entities).</summary>
/// <param name="Role">Count only links in these roles: defendant, victim, collector-employer, sponsoring-unit.</param>
/// <param name="Kind">Count only entities of these kinds (person, company, …).</param>
/// <param name="MinCases">Leave out entities named in fewer matching cases (default 1; 2 gives those named more than once).</param>
/// <param name="Limit">At most this many rows (entities, or entities and sponsor types), 1–1000 (default 50).</param>
/// <param name="GroupBy"><c>sponsorType</c>: count each entity's cases per type of the cases' sponsor (one row per entity and
/// sponsor type; cases without a sponsor under null), e.g. with role=collector-employer the employers of collectors by sponsor
/// type. minCases then applies to each row.</param>
public sealed record EntityStatisticsQuery(string[]? Role, string[]? Kind, int? MinCases, int? Limit, string? GroupBy = null);

/// <summary>An entity and the number of matching cases that name it (in the roles asked for).</summary>
/// <param name="Id">The entity's id.</param>
/// <param name="Slug">The entity's slug.</param>
/// <param name="Name">The entity's name.</param>
/// <param name="Kind">The entity's kind.</param>
/// <param name="Cases">Matching cases that name the entity (in the roles asked for; with groupBy, of the row's sponsor type).</param>
/// <param name="SponsorType">With groupBy=sponsorType, the type of the counted cases' sponsor (null: cases without a sponsor,
/// or no grouping).</param>
public sealed record EntityCount(Guid Id, string Slug, string Name, string Kind, int Cases, string? SponsorType = null);

/// <summary>The entities named by the matching cases, most cases first (with groupBy=sponsorType: by sponsor type, then most cases).</summary>
public sealed record EntityStatisticsResponse(IReadOnlyList<EntityCount> Items);
