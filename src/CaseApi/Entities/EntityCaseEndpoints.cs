using System.ComponentModel;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using FromRouteAttribute = Microsoft.AspNetCore.Mvc.FromRouteAttribute;

namespace CaseApi.Entities;

/// <summary>An entity's cases, and who appears with it: reads over the case links, current or as of a history position.</summary>
internal static class EntityCaseEndpoints
{
    public static RouteGroupBuilder MapEntityCaseEndpoints(this RouteGroupBuilder entities)
    {
        entities.MapGet("/{id}/cases", ListEntityCases).WithName(nameof(ListEntityCases))
            .ReadsStore<EntityCasesQuery>(StoreRead.Cases, cached: true).Produces(StatusCodes.Status308PermanentRedirect);
        entities.MapGet("/{id}/related", ListRelatedEntities).WithName(nameof(ListRelatedEntities))
            .ReadsStore<EntityCasesQuery>(StoreRead.Cases, cached: true).Produces(StatusCodes.Status308PermanentRedirect);
        return entities;
    }

    /// <summary>List the cases that name an entity, in any role, by slug.</summary>
    /// <remarks>Each case lists the roles it names the entity in. For the whole case records, filter the case list with entity=.</remarks>
    private static async Task<Results<Ok<PagedResponse<EntityCaseResponse>>, RedirectHttpResult, ProblemHttpResult>> ListEntityCases(
        [FromRoute(Name = "id"), Description(EntityEndpoints.IdOrSlugDescription)] string idOrSlug, [AsParameters] EntityCasesQuery query,
        StoreSnapshot snapshot, HttpContext http, CancellationToken ct)
    {
        if (await IdOfAsync(snapshot, idOrSlug, ct) is not { } found) return EntityEndpoints.NotFound(idOrSlug);
        if (found.MergedInto is { } survivor) return EntityEndpoints.RedirectToSurvivor(http, survivor, "/cases");
        var id = found.Id;

        var view = snapshot.View;
        var after = PageCursor.TryDecode<EntityCaseCursor>(query.Cursor, out var cursor)
            ? SqlFragment.Of($" AND c.slug > {cursor.Slug}")
            : SqlFragment.Empty;
        var rows = await snapshot.Db.Database.Query<CaseRow>(SqlFragment.Of($"""
            SELECT c.id, c.slug, c.title,
                   CASE c.charged_on_precision WHEN 'Year' THEN to_char(c.charged_on, 'YYYY') WHEN 'Month' THEN to_char(c.charged_on, 'YYYY-MM')
                        ELSE to_char(c.charged_on, 'YYYY-MM-DD') END AS charged_on,
                   array_agg(l.role ORDER BY l.role) AS roles
            FROM {view.Table("case_entities")} l JOIN {view.Table("cases")} c ON c.id = l.case_id
            WHERE l.entity_id = {id}{after}
            GROUP BY c.id, c.slug, c.title, c.charged_on, c.charged_on_precision
            ORDER BY c.slug LIMIT {query.PageSize + 1}
            """)).ToListAsync(ct);
        var total = await snapshot.Db.Database.Query<long>(SqlFragment.Of(
            $"SELECT count(DISTINCT l.case_id) AS \"Value\" FROM {view.Table("case_entities")} l WHERE l.entity_id = {id}")).SingleAsync(ct);
        var items = rows.ConvertAll(r => new EntityCaseResponse(r.Id, r.Slug, r.Title, r.ChargedOn, r.Roles));
        return TypedResults.Ok(KeysetPage.Create(items, query.PageSize, total, c => new EntityCaseCursor(c.Slug), http.Response));
    }

    /// <summary>List who appears in the same cases as an entity, and in how many of them.</summary>
    /// <remarks>Co-occurrence in any role, most shared cases first, then by name; limit caps the list (default 50).</remarks>
    private static async Task<Results<Ok<RelatedEntitiesResponse>, RedirectHttpResult, ProblemHttpResult>> ListRelatedEntities(
        [FromRoute(Name = "id"), Description(EntityEndpoints.IdOrSlugDescription)] string idOrSlug, [AsParameters] EntityCasesQuery query,
        StoreSnapshot snapshot, HttpContext http, CancellationToken ct)
    {
        if (await IdOfAsync(snapshot, idOrSlug, ct) is not { } found) return EntityEndpoints.NotFound(idOrSlug);
        if (found.MergedInto is { } survivor) return EntityEndpoints.RedirectToSurvivor(http, survivor, "/related");
        var id = found.Id;

        var view = snapshot.View;
        var rows = await snapshot.Db.Database.Query<RelatedEntityResponse>(SqlFragment.Of($"""
            SELECT e.id, e.slug, e.name, e.kind, count(DISTINCT o.case_id)::int AS cases
            FROM {view.Table("case_entities")} l
            JOIN {view.Table("case_entities")} o ON o.case_id = l.case_id AND o.entity_id <> l.entity_id
            JOIN {view.Table("entities")} e ON e.id = o.entity_id
            WHERE l.entity_id = {id}
            GROUP BY e.id, e.slug, e.name, e.kind
            ORDER BY cases DESC, e.name, e.id LIMIT {query.PageSize}
            """)).ToListAsync(ct);
        return TypedResults.Ok(new RelatedEntitiesResponse(id, rows));
    }

    /// <summary>The id of the entity named by id or slug in the view, and the entity it was merged into then; null when none.</summary>
    private static async Task<EntityId?> IdOfAsync(StoreSnapshot snapshot, string idOrSlug, CancellationToken ct) =>
        await EntityReads.Rows(snapshot.Db, snapshot.View).Where(EntityReads.Matching(idOrSlug))
            .Select(e => new EntityId(e.Id, e.MergedInto)).SingleOrDefaultAsync(ct);

    private sealed record EntityId(Guid Id, Guid? MergedInto);

    private sealed record CaseRow(Guid Id, string Slug, string Title, string? ChargedOn, string[] Roles);
}
