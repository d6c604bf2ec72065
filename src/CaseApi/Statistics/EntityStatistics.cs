using CaseApi.Cases;
using CaseApi.Infrastructure.Http;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Statistics;

/// <summary>Statistics by entity: how many of the matching cases name each person or organisation.</summary>
internal static class EntityStatistics
{
    public static RouteGroupBuilder MapEntityStatistics(this RouteGroupBuilder stats)
    {
        stats.MapGet("/entities", GetEntityStatistics).WithName(nameof(GetEntityStatistics))
            .ReadsStore<CaseFilter, EntityStatisticsQuery>(StoreRead.Cases, cached: true);
        return stats;
    }

    /// <summary>Count matching cases per entity they name, most cases first.</summary>
    /// <remarks>
    /// role= counts only links in those roles (victim=… with minCases=2: victims hit more than once); kind= only entities of
    /// those kinds; groupBy=sponsorType counts each entity's cases per type of their sponsor (role=collector-employer: the
    /// employers of collectors by sponsor type). Every case filter applies, and asOf and release answer from the past.
    /// </remarks>
    private static async Task<Ok<EntityStatisticsResponse>> GetEntityStatistics(
        [AsParameters] CaseFilter filter, [AsParameters] EntityStatisticsQuery query, StoreSnapshot snapshot, CancellationToken ct)
    {
        var rows = await snapshot.Db.Database.Query<EntityCount>(Sql(filter.At(snapshot), query)).ToListAsync(ct);
        return TypedResults.Ok(new EntityStatisticsResponse(rows));
    }

    /// <summary>The one grouping statistics by entity take: the type of the case's sponsor, as the sponsorType dimension reads it.</summary>
    public const string BySponsorType = "sponsorType";

    internal static SqlFragment Sql(CaseFilter filter, EntityStatisticsQuery query)
    {
        var view = filter.View;
        var roles = CaseFilter.Values(query.Role);
        var kinds = CaseFilter.Values(query.Kind);
        var inRole = roles.Length == 0 ? SqlFragment.Empty : SqlFragment.Of($" AND l.role = ANY({roles})");
        var ofKind = kinds.Length == 0 ? SqlFragment.Empty : SqlFragment.Of($" AND e.kind = ANY({kinds})");
        var bySponsorType = query.GroupBy == BySponsorType;
        var sponsorType = SqlFragment.Raw(bySponsorType ? "s.type" : "NULL::text");
        var sponsors = bySponsorType ? SqlFragment.Of($" LEFT JOIN {view.Table("sponsors")} s ON s.code = c.sponsor_code") : SqlFragment.Empty;
        var grouped = SqlFragment.Raw(bySponsorType ? ", s.type" : "");
        return SqlFragment.Of($"""
            SELECT e.id, e.slug, e.name, e.kind, {sponsorType} AS sponsor_type, count(DISTINCT c.id)::int AS cases
            FROM {view.Table("cases")} c JOIN {view.Table("case_entities")} l ON l.case_id = c.id
            JOIN {view.Table("entities")} e ON e.id = l.entity_id{sponsors}
            WHERE {filter.ToSql()}{inRole}{ofKind}
            GROUP BY e.id, e.slug, e.name, e.kind{grouped} HAVING count(DISTINCT c.id) >= {query.MinCases ?? 1}
            ORDER BY {SqlFragment.Raw(bySponsorType ? "sponsor_type NULLS LAST, " : "")}cases DESC, e.name, e.id LIMIT {query.Limit ?? 50}
            """);
    }
}
