using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Entities;
using CaseApi.History;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using FromRouteAttribute = Microsoft.AspNetCore.Mvc.FromRouteAttribute;

namespace CaseApi.Cases;

internal static class CaseEndpoints
{
    public const string MergePatchMediaType = "application/merge-patch+json";
    public const string IdOrSlugDescription = "The case's id (a UUID) or its slug.";

    public static RouteGroupBuilder MapCaseEndpoints(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Cases").RequireAuthorization(Policies.Reader);

        // One path parameter for /cases/{id} in every method (OpenAPI has one path item per template), and one rule for
        // it: the id or the slug, whichever the client has.
        cases.MapGet("/{id}", GetCase).WithName(nameof(GetCase)).ReadsStore<AsOfQuery>(StoreRead.Item).Produces(StatusCodes.Status304NotModified);
        cases.MapPost("/", CreateCase).WithName(nameof(CreateCase)).RequireAuthorization(Policies.Editor).Idempotent()
            .WithValidation<CaseRequest>().ProducesProblem(StatusCodes.Status409Conflict).Reviewed(ReviewRule.Proposal);
        cases.MapPut("/{id}", ReplaceCase).WithName(nameof(ReplaceCase)).RequireAuthorization(Policies.Editor).WithValidation<CaseRequest>()
            .WithWriteProblems().Reviewed(ReviewRule.Proposal);
        cases.MapPatch("/{id}", PatchCase).WithName(nameof(PatchCase)).RequireAuthorization(Policies.Editor)
            .Accepts<JsonObject>(MergePatchMediaType).WithWriteProblems().Reviewed(ReviewRule.Proposal);
        cases.MapDelete("/{id}", DeleteCase).WithName(nameof(DeleteCase)).RequireAuthorization(Policies.Editor)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .Reviewed(ReviewRule.Proposal);
        cases.MapCaseListEndpoints();
        cases.MapCaseBulkDelete();
        return api;
    }

    // 400, 404, 413 and 415 follow from the path and the body; the contract infers them.
    private static RouteHandlerBuilder WithWriteProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    /// <summary>Get one case by its id or its slug.</summary>
    /// <remarks>
    /// Answers 304 when If-None-Match names the current ETag. With asOf or release, the case as it was then (404 when it did not
    /// exist then), with its policy alignment from the mapping as it was.
    /// </remarks>
    private static async Task<Results<Ok<CaseResponse>, StatusCodeHttpResult, ProblemHttpResult, ValidationProblem>> GetCase(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, [AsParameters] AsOfQuery at, StoreSnapshot snapshot,
        HttpContext http, CancellationToken ct)
    {
        var found = await CaseReads.FindAsync(snapshot.Db, snapshot.View, idOrSlug, ct);
        if (found is null) return NotFound(idOrSlug);

        // A rebuilt row has no row version; as of a position the case never changes, so the position tags it ("p…" never
        // equals a row version, so an If-Match copied from it can never pass for the current row).
        var tag = snapshot.View.Position is { } position ? ETags.ForPosition(position) : ETags.For(found.Version);
        http.Response.Headers.ETag = tag;
        return ETags.IsNotModified(http.Request, tag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(found);
    }

    /// <summary>Create a case.</summary>
    /// <remarks>Answers 201 with Location and ETag; a slug already in use is 409.</remarks>
    private static async Task<Results<Created<CaseResponse>, ProblemHttpResult>> CreateCase(
        CaseRequest request, CaseDbContext db, HttpContext http, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (await db.Cases.AnyAsync(c => c.Slug == request.Slug, ct)) return SlugTaken(request.Slug);

        var now = time.GetUtcNow();
        var entity = request.ToNewCase(now);
        db.Cases.Add(entity);
        if (await FollowNamesAsync(db, entity, http, now, ct) is { } ambiguous) return ambiguous;
        db.AuditEvents.Add(AuditTrail.Event(http, "create", "case", entity.Id.ToString(), Snapshot(entity, json), now));
        await db.SaveChangesAsync(ct);

        var created = (await CaseReads.FindAsync(db, entity.Id.ToString(), ct))!;
        http.Response.Headers.ETag = ETags.For(created.Version);
        return TypedResults.Created($"/api/v1/cases/{created.Id}", created);
    }

    /// <summary>Replace a case (If-Match required).</summary>
    private static Task<Results<Ok<CaseResponse>, ProblemHttpResult, ValidationProblem>> ReplaceCase(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, CaseRequest request, CaseDbContext db, HttpContext http,
        TimeProvider time, IOptions<JsonOptions> json,
        IValidator<CaseRequest> validator, CancellationToken ct) =>
        UpdateAsync(idOrSlug, _ => Task.FromResult<CaseRequest?>(request), db, http, time, json, validator, ct);

    /// <summary>Change some fields of a case with a JSON Merge Patch (RFC 7396; If-Match required).</summary>
    /// <remarks>
    /// Send application/merge-patch+json. A property set to null is cleared (a list becomes empty); absent properties keep
    /// their values. Arrays are replaced, not merged (RFC 7396): a patch of listedIn, tags, sectors or listEvidence holds
    /// the whole new list, so read the case first and send every member you keep, or a membership is silently removed.
    /// To add or remove one list membership without resending the list, use PUT or DELETE
    /// /api/v1/cases/{idOrSlug}/lists/{code}.
    /// </remarks>
    private static async Task<Results<Ok<CaseResponse>, ProblemHttpResult, ValidationProblem>> PatchCase(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, CaseDbContext db, HttpContext http, TimeProvider time,
        IOptions<JsonOptions> json,
        IValidator<CaseRequest> validator, CancellationToken ct)
    {
        if (!http.Request.HasMediaType(MergePatchMediaType))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.",
                detail: $"PATCH takes a JSON Merge Patch: send Content-Type: {MergePatchMediaType}.");
        }
        var patch = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body, json.Value.SerializerOptions, ct);
        if (patch is null)
        {
            return ProblemResults.Of(ProblemCodes.InvalidJson, "The merge patch must be a JSON object.");
        }
        return await UpdateAsync(idOrSlug, current =>
        {
            var merged = MergePatch.Apply(JsonSerializer.SerializeToNode(current.ToRequest(), json.Value.SerializerOptions), patch);
            return Task.FromResult(merged.Deserialize<CaseRequest>(json.Value.SerializerOptions));
        }, db, http, time, json, validator, ct);
    }

    /// <summary>Delete a case (If-Match required).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCase(
        [FromRoute(Name = "id"), Description(IdOrSlugDescription)] string idOrSlug, CaseDbContext db, HttpContext http, TimeProvider time,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var entity = await db.Cases.FirstOrDefaultAsync(CaseReads.Matching(idOrSlug), ct);
        if (entity is null) return NotFound(idOrSlug);
        if (ETags.CheckIfMatch(http.Request, entity.Version) is { } precondition) return precondition;

        db.Cases.Remove(entity);
        db.AuditEvents.Add(AuditTrail.Event(http, "delete", "case", entity.Id.ToString(), Snapshot(entity, json), time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The one write path for PUT and PATCH: load, check If-Match, build the new state, validate, check the slug,
    /// save the change and its audit row together. The loaded row version stays the concurrency token, so a writer
    /// that loses the race between our check and our UPDATE still gets 412 (from DbUpdateConcurrencyException).
    /// </summary>
    private static async Task<Results<Ok<CaseResponse>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        string idOrSlug, Func<Case, Task<CaseRequest?>> newState, CaseDbContext db, HttpContext http, TimeProvider time,
        IOptions<JsonOptions> json, IValidator<CaseRequest> validator, CancellationToken ct)
    {
        var entity = await db.Cases.FirstOrDefaultAsync(CaseReads.Matching(idOrSlug), ct);
        if (entity is null) return NotFound(idOrSlug);
        if (ETags.CheckIfMatch(http.Request, entity.Version) is { } precondition) return precondition;

        var request = await newState(entity);
        if (request is null) return ProblemResults.Of(ProblemCodes.InvalidJson, "The body must be a case object.");
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return validation.ToProblem();
        if (request.Slug != entity.Slug && await db.Cases.AnyAsync(c => c.Slug == request.Slug, ct)) return SlugTaken(request.Slug);

        var before = Snapshot(entity, json);
        request.ApplyTo(entity);
        var changes = AuditTrail.Diff(before, Snapshot(entity, json));
        if (changes.Count > 0)
        {
            var now = time.GetUtcNow();
            entity.UpdatedAt = now;
            if (EntityCodes.NameFields.Any(changes.ContainsKey)
                && await FollowNamesAsync(db, entity, http, now, ct) is { } ambiguous)
            {
                return ambiguous;
            }
            db.AuditEvents.Add(AuditTrail.Event(http, "update", "case", entity.Id.ToString(), changes, now));
            await db.SaveChangesAsync(ct);
        }

        var updated = (await CaseReads.FindAsync(db, entity.Id.ToString(), ct))!;
        http.Response.Headers.ETag = ETags.For(updated.Version);
        return TypedResults.Ok(updated);
    }

    /// <summary>The case's writable fields as JSON: the audit record on create and delete, and the "before" and "after" of a diff.</summary>
    private static JsonObject Snapshot(Case entity, IOptions<JsonOptions> json) =>
        (JsonObject)JsonSerializer.SerializeToNode(entity.ToRequest(), json.Value.SerializerOptions)!;

    /// <summary>
    /// Links the case to the entities its defendants, victims, collectors' employers and sponsoring units name (unknown names
    /// make entities, audited with the case); a name that matches several entities is 422, listing them, and nothing is written.
    /// </summary>
    private static async Task<ProblemHttpResult?> FollowNamesAsync(
        CaseDbContext db, Case entity, HttpContext http, DateTimeOffset now, CancellationToken ct)
    {
        var ambiguous = await EntityLinks.FollowNamesAsync(db, entity,
            e => AuditTrail.Event(http, "create", "entity", e.Id.ToString(), EntityLinks.Record(e), now), now, ct);
        return ambiguous.Count == 0
            ? null
            : ProblemResults.Of(ProblemCodes.AmbiguousName, "A name matches several entities.", string.Join(" ", ambiguous.Select(a => a.Message)));
    }

    private static ProblemHttpResult NotFound(string idOrSlug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found.",
            detail: $"No case has the id or slug '{idOrSlug}'.");

    private static ProblemHttpResult SlugTaken(string? slug) =>
        ProblemResults.Of(ProblemCodes.SlugTaken, "The slug is already in use.", $"Another case has the slug '{slug}'.");
}
