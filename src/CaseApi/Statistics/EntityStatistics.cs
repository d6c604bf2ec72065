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
    /// those kinds. Every case filter applies, and asOf and release answer from the past.
    /// </remarks>
    private static async Task<Ok<EntityStatisticsResponse>> GetEntityStatistics(
        [AsParameters] CaseFilter filter, [AsParameters] EntityStatisticsQuery query, StoreSnapshot snapshot, CancellationToken ct)
    {
        var rows = await snapshot.Db.Database.Query<EntityCount>(Sql(filter.At(snapshot), query)).ToListAsync(ct);
        return TypedResults.Ok(new EntityStatisticsResponse(rows));
    }

    internal static SqlFragment Sql(CaseFilter filter, EntityStatisticsQuery query)
    {
        var view = filter.View;
        var roles = CaseFilter.Values(query.Role);
        var kinds = CaseFilter.Values(query.Kind);
        var inRole = roles.Length == 0 ? SqlFragment.Empty : SqlFragment.Of($" AND l.role = ANY({roles})");
        var ofKind = kinds.Length == 0 ? SqlFragment.Empty : SqlFragment.Of($" AND e.kind = ANY({kinds})");
        return SqlFragment.Of($"""
            SELECT e.id, e.slug, e.name, e.kind, count(DISTINCT c.id)::int AS cases
            FROM {view.Table("cases")} c JOIN {view.Table("case_entities")} l ON l.case_id = c.id
            JOIN {view.Table("entities")} e ON e.id = l.entity_id
            WHERE {filter.ToSql()}{inRole}{ofKind}
            GROUP BY e.id, e.slug, e.name, e.kind HAVING count(DISTINCT c.id) >= {query.MinCases ?? 1}
            ORDER BY cases DESC, e.name, e.id LIMIT {query.Limit ?? 50}
            """);
    }
}
