using System.ComponentModel;
using CaseApi.Audit;
using CaseApi.History;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using FromRouteAttribute = Microsoft.AspNetCore.Mvc.FromRouteAttribute;

namespace CaseApi.Entities;

/// <summary>People and organisations across cases: the entity resource, its cases and who appears with it.</summary>
internal static class EntityEndpoints
{
    public const string IdOrSlugDescription = "The entity's id (a UUID) or its slug.";

    public static RouteGroupBuilder MapEntityEndpoints(this RouteGroupBuilder api)
    {
        var entities = api.MapGroup("/entities").WithTags("Entities").RequireAuthorization(Policies.Reader);
        entities.MapGet("/", ListEntities).WithName(nameof(ListEntities)).ReadsStore<EntityListQuery>(StoreRead.Cases, cached: true);
        entities.MapGet("/{id}", GetEntity).WithName(nameof(GetEntity)).ReadsStore<AsOfQuery>(StoreRead.Item)
            .Produces(StatusCodes.Status304NotModified).Produces(StatusCodes.Status308PermanentRedirect);
        entities.MapPost("/", CreateEntity).WithName(nameof(CreateEntity)).RequireAuthorization(Policies.Editor).Idempotent()
            .WithValidation<EntityRequest>().ProducesProblem(StatusCodes.Status409Conflict).Reviewed(ReviewRule.Refused, ReviewReasons.Entity);
        entities.MapPut("/{id}", ReplaceEntity).WithName(nameof(ReplaceEntity)).RequireAuthorization(Policies.Editor)
            .WithValidation<EntityRequest>().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .Produces(StatusCodes.Status308PermanentRedirect).Reviewed(ReviewRule.Refused, ReviewReasons.Entity);
        entities.MapDelete("/{id}", DeleteEntity).WithName(nameof(DeleteEntity)).RequireAuthorization(Policies.Editor)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired).Reviewed(ReviewRule.Refused, ReviewReasons.Entity);
        entities.MapPost("/{id}/merge", MergeEntity).WithName(nameof(MergeEntity)).RequireAuthorization(Policies.Editor).Idempotent()
            .WithValidation<EntityMergeRequest>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .Reviewed(ReviewRule.Refused, ReviewReasons.Entity);
        // Redaction removes a person's data on a legal or ethical ground (admins only): it cannot wait in a queue that
        // itself would hold the name, so it is exempt from review in every mode (docs/guides/review.md).
        entities.MapPost("/{id}/redact", RedactEntity).WithName(nameof(RedactEntity)).RequireAuthorization(Policies.Admin).Idempotent()
            .WithValidation<EntityRedactRequest>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .Reviewed(ReviewRule.Exempt);
        entities.MapEntityExport();
        entities.MapEntityCaseEndpoints();
        return api;
    }

    /// <summary>List entities by name, searching names and aliases.</summary>
    /// <remarks>
    /// q matches an entity whose name or an alias contains it (any case), and an entity a case writing q would be linked to
    /// (the same normalisation: order, case and accents do not matter). Merged entities are left out. Follow nextCursor.
    /// </remarks>
    private static async Task<Ok<PagedResponse<EntityResponse>>> ListEntities(
        [AsParameters] EntityListQuery query, StoreSnapshot snapshot, HttpContext http, CancellationToken ct)
    {
        var condition = EntityReads.SearchSql(query);
        var after = PageCursor.TryDecode<EntityCursor>(query.Cursor, out var cursor)
            ? SqlFragment.Of($" AND (e.name, e.id) > ({cursor.Name}, {cursor.Id})")
            : SqlFragment.Empty;
        var rows = await snapshot.Db.Entities.Query(EntityReads.SelectSql(snapshot.View) + SqlFragment.Of($" WHERE {condition}{after}"))
            .OrderBy(e => e.Name).ThenBy(e => e.Id).Take(query.PageSize + 1).Select(EntityResponse.Projection).ToListAsync(ct);
        var total = await snapshot.Db.Database.Query<long>(
            SqlFragment.Of($"SELECT count(*) AS \"Value\" FROM {snapshot.View.Table("entities")} e WHERE {condition}")).SingleAsync(ct);
        return TypedResults.Ok(KeysetPage.Create(rows, query.PageSize, total, e => new EntityCursor(e.Name, e.Id), http.Response));
    }

    /// <summary>Get one entity by its id or its slug.</summary>
    /// <remarks>
    /// With asOf or release, the entity as it was then (404 when it did not exist then). A merged entity answers 308 with the
    /// Location of the entity it was merged into (the query kept), as every /entities/{id} route does.
    /// </remarks>
    private static async Task<Results<Ok<EntityResponse>, StatusCodeHttpResult, RedirectHttpResult, ProblemHttpResult>> GetEntity(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, [AsParameters] AsOfQuery at, StoreSnapshot snapshot,
        HttpContext http, CancellationToken ct)
    {
        var found = await EntityReads.Rows(snapshot.Db, snapshot.View).Where(EntityReads.Matching(idOrSlug))
            .Select(e => new { Entity = e, e.Version }).SingleOrDefaultAsync(ct);
        if (found is null) return NotFound(idOrSlug);
        if (found.Entity.MergedInto is { } survivor) return RedirectToSurvivor(http, survivor, "");
        var tag = snapshot.View.Position is { } position ? ETags.ForPosition(position) : ETags.For(found.Version);
        http.Response.Headers.ETag = tag;
        return ETags.IsNotModified(http.Request, tag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(EntityResponse.From(found.Entity));
    }

    /// <summary>Create an entity.</summary>
    /// <remarks>Answers 201 with Location and ETag. A slug already in use is 409; without a slug one is derived from the name.</remarks>
    private static async Task<Results<Created<EntityResponse>, ProblemHttpResult>> CreateEntity(
        EntityRequest request, CaseDbContext db, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (request.Slug is { } slug && await db.Entities.AnyAsync(e => e.Slug == slug, ct)) return SlugTaken(slug);

        var now = time.GetUtcNow();
        var entity = new Entity { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now };
        request.ApplyTo(entity);
        if (request.Slug is null) entity.Slug = await EntityReads.FreeSlugAsync(db, entity, ct);
        db.Entities.Add(entity);
        db.AuditEvents.Add(AuditTrail.Event(http, "create", "entity", entity.Id.ToString(), EntityLinks.Record(entity), now));
        await db.SaveChangesAsync(ct);

        http.Response.Headers.ETag = ETags.For(entity.Version);
        return TypedResults.Created($"/api/v1/entities/{entity.Id}", EntityResponse.From(entity));
    }

    /// <summary>Replace an entity (If-Match required).</summary>
    /// <remarks>A slug left out keeps the current one. Cases that name the entity keep naming it: their links follow the id.</remarks>
    private static async Task<Results<Ok<EntityResponse>, RedirectHttpResult, ProblemHttpResult>> ReplaceEntity(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, EntityRequest request, CaseDbContext db,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var entity = await db.Entities.FirstOrDefaultAsync(EntityReads.Matching(idOrSlug), ct);
        if (entity is null) return NotFound(idOrSlug);
        if (entity.MergedInto is { } survivor) return RedirectToSurvivor(http, survivor, "");
        if (ETags.CheckIfMatch(http.Request, entity.Version) is { } precondition) return precondition;
        if (request.Slug is { } slug && slug != entity.Slug && await db.Entities.AnyAsync(e => e.Slug == slug, ct)) return SlugTaken(slug);

        var now = time.GetUtcNow();
        var before = EntityLinks.Record(entity);
        request.ApplyTo(entity);
        var changes = AuditTrail.Diff(before, EntityLinks.Record(entity));
        if (changes.Count > 0)
        {
            entity.UpdatedAt = now;
            db.AuditEvents.Add(AuditTrail.Event(http, "update", "entity", entity.Id.ToString(), changes, now));
            await db.SaveChangesAsync(ct);
        }
        http.Response.Headers.ETag = ETags.For(entity.Version);
        return TypedResults.Ok(EntityResponse.From(entity));
    }

    /// <summary>Delete an entity (If-Match required).</summary>
    /// <remarks>
    /// An entity that cases still name is 409: change those cases, or merge the entity into another. Deleting a merged entity
    /// removes its redirect (it is the one route a merged entity does not redirect); an entity others were merged into stays.
    /// </remarks>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteEntity(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, CaseDbContext db, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        var entity = await db.Entities.FirstOrDefaultAsync(EntityReads.Matching(idOrSlug), ct);
        if (entity is null) return NotFound(idOrSlug);
        if (ETags.CheckIfMatch(http.Request, entity.Version) is { } precondition) return precondition;
        var named = await db.CaseEntityLinks.CountAsync(l => l.EntityId == entity.Id, ct);
        if (named > 0 || await db.Entities.AnyAsync(e => e.MergedInto == entity.Id, ct))
        {
            return ProblemResults.Of(ProblemCodes.StillReferenced, "The entity is still referenced.",
                named > 0
                    ? $"{named} case link(s) name '{entity.Slug}'; change those cases or merge the entity into another."
                    : $"Entities merged into '{entity.Slug}' redirect to it; it stays.");
        }

        db.Entities.Remove(entity);
        db.AuditEvents.Add(AuditTrail.Event(http, "delete", "entity", entity.Id.ToString(), EntityLinks.Record(entity), time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Merge an entity into another.</summary>
    /// <remarks>
    /// Moves this entity's case links to the other (by role, without doubling a link it already has), makes this entity's
    /// name and aliases aliases of the other, and leaves this entity's id and slug answering with a 308 redirect to it, all
    /// in one transaction, audited and in the history (asOf before the merge still shows both). Refused: merging into
    /// itself (merge-into-itself), from or into a merged entity (entity-merged), and across kinds (kind-mismatch; an
    /// entity of kind other merges into any kind).
    /// </remarks>
    private static async Task<Results<Ok<EntityMergeResponse>, ProblemHttpResult>> MergeEntity(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, EntityMergeRequest request, CaseDbContext db,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var outcome = await EntityMerge.RunAsync(db, idOrSlug, request.Into!,
            (action, id, changes) => AuditTrail.Event(http, action, "entity", id.ToString(), changes, now), now, ct);
        switch (outcome)
        {
            case EntityMergeOutcome.Merged merged:
                http.Response.Headers.ETag = ETags.For(merged.Into.Version);
                return TypedResults.Ok(
                    new EntityMergeResponse(merged.From, EntityResponse.From(merged.Into), merged.MovedLinks, merged.DroppedLinks));
            case EntityMergeOutcome.Refused refused:
                return ProblemResults.Of(refused.Code, "The entities cannot be merged.", refused.Detail);
            default:
                return NotFound(((EntityMergeOutcome.NotFound)outcome).IdOrSlug);
        }
    }

    /// <summary>Redact an entity's personal data (admin).</summary>
    /// <remarks>
    /// Replaces the name with "Redacted {kind} {8 hex digits of the id}" and the slug with "redacted-{12 hex digits}", empties
    /// aliases, identifiers, description and sources, and replaces every spelling of the name in the cases that name it
    /// (defendants, victims, title, summary), in every history entry (so asOf, releases and the change feed answer the redacted
    /// form), in the audit trail and in import reports, in one transaction. Entities merged into it are redacted with it. The
    /// hash chain still verifies: /audit/verify lists the redaction and checks the rewritten entries by their stored hash.
    /// Irreversible. A merged entity is 409 entity-merged: redact the entity it was merged into.
    /// </remarks>
    private static async Task<Results<Ok<EntityRedactionResponse>, ProblemHttpResult>> RedactEntity(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, EntityRedactRequest request, CaseDbContext db,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var outcome = await EntityRedaction.RunAsync(db, idOrSlug, request.Reason!, AuditTrail.Actor(http.User),
            (action, type, id, changes) => AuditTrail.Event(http, action, type, id, changes, now), now, ct);
        switch (outcome)
        {
            case EntityRedactionOutcome.Redacted done:
                return TypedResults.Ok(
                    new EntityRedactionResponse(done.Id, EntityResponse.From(done.Entity), done.Cases, done.Entries, done.AuditEvents));
            case EntityRedactionOutcome.Refused refused:
                return ProblemResults.Of(refused.Code, "The entity cannot be redacted.", refused.Detail);
            default:
                return NotFound(((EntityRedactionOutcome.NotFound)outcome).IdOrSlug);
        }
    }

    /// <summary>A merged entity's answer: 308 to the same route of the survivor, the query string kept.</summary>
    internal static RedirectHttpResult RedirectToSurvivor(HttpContext http, Guid survivor, string route) =>
        TypedResults.Redirect($"{http.Request.PathBase}/api/v1/entities/{survivor}{route}{http.Request.QueryString}", permanent: true,
            preserveMethod: true);

    internal static ProblemHttpResult NotFound(string idOrSlug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Entity not found.",
            detail: $"No entity has the id or slug '{idOrSlug}'.");

    private static ProblemHttpResult SlugTaken(string slug) =>
        ProblemResults.Of(ProblemCodes.SlugTaken, "The slug is already in use.", $"Another entity has the slug '{slug}'.");
}
