using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.ReferenceData;

/// <summary>
/// Admin edits of the reference tables. PUT creates or replaces a row (201 or 200); DELETE refuses a code still in
/// use (409). Every edit is audited as 'reference-update' in the same transaction, and the validation cache is
/// invalidated after the commit.
/// </summary>
internal static class ReferenceAdminEndpoints
{
    private const string Action = "reference-update";

    /// <summary>The database trigger that refuses sponsor cycles and over-deep hierarchies (migration RefuseSponsorCycles).</summary>
    private const string SponsorParentConstraint = "sponsors_parent_acyclic";

    public static void MapSectorAdmin(this RouteGroupBuilder sectors) => sectors.MapAdmin<SectorRequest>(PutSector, DeleteSector);

    public static void MapSponsorAdmin(this RouteGroupBuilder sponsors) => sponsors.MapAdmin<SponsorRequest>(PutSponsor, DeleteSponsor);

    // Nothing refers to a policy document (alignment is computed), so deleting one never conflicts.
    public static void MapPolicyDocumentAdmin(this RouteGroupBuilder documents) =>
        documents.MapAdmin<PolicyDocumentRequest>(PutPolicyDocument, DeletePolicyDocument, deleteConflicts: false);

    public static void MapSourceListAdmin(this RouteGroupBuilder lists) => lists.MapAdmin<SourceListRequest>(PutSourceList, DeleteSourceList);

    /// <summary>PUT and DELETE of <c>/{code}</c> in a reference resource's group, for admins only.</summary>
    private static void MapAdmin<TRequest>(this RouteGroupBuilder group, Delegate put, Delegate delete, bool deleteConflicts = true)
    {
        group.MapPut("/{code}", put).WithName(put.Method.Name).WithValidation<TRequest>().RequireAuthorization(Policies.Admin)
            .Reviewed(ReviewRule.Exempt);
        var deleting = group.MapDelete("/{code}", delete).WithName(delete.Method.Name).ProducesValidationProblem()
            .RequireAuthorization(Policies.Admin).Reviewed(ReviewRule.Exempt);
        if (deleteConflicts) deleting.ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>Create or replace a sector.</summary>
    private static async Task<Results<Created<SectorResponse>, Ok<SectorResponse>, ValidationProblem>> PutSector(
        string code, SectorRequest request, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct) =>
        InvalidCode(code) ?? await UpsertAsync(new(db, http, time, changes, ct), db.Sectors, code, "sector",
            () => new Sector { Code = code, Name = "" }, s => (s.Name, s.Description) = (request.Name!, request.Description), ToResponse);

    /// <summary>Delete a sector that no case and no policy document names.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSector(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct) =>
        InvalidCode(code) ?? await DeleteAsync(new(db, http, time, changes, ct), db.Sectors, code, "sector", ToResponse, async () =>
        {
            if (await CasesUsingAsync(db, "sectors", code, ct) is > 0 and var count) return $"{count} case(s) name it";
            var policies = await db.PolicyDocumentSectors.Where(m => m.SectorCode == code).Select(m => m.PolicyCode).ToListAsync(ct);
            return policies.Count > 0 ? $"the policy document(s) {string.Join(", ", policies)} name it" : null;
        });

    /// <summary>Create or replace a sponsor (its parent must exist, and a sponsor cannot be its own ancestor).</summary>
    private static async Task<Results<Created<SponsorResponse>, Ok<SponsorResponse>, ValidationProblem>> PutSponsor(
        string code, SponsorRequest request, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        if (request.Parent is { } parent && await ParentProblemAsync(db, code, parent, ct) is { } message) return Invalid("parent", message);
        try
        {
            return await UpsertAsync(new(db, http, time, changes, ct), db.Sponsors, code, "sponsor",
                () => new Sponsor { Code = code, Name = "", Type = "" },
                s => (s.Name, s.Type, s.Description, s.ParentCode) = (request.Name!, request.Type!, request.Description, request.Parent), ToResponse);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { ConstraintName: SponsorParentConstraint } refused)
        {
            // A concurrent edit passed the check above too; the database's trigger saw both and refused this one.
            return Invalid("parent", refused.MessageText);
        }
    }

    /// <summary>Delete a sponsor that no case or entity names and that has no child sponsors.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSponsor(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct) =>
        InvalidCode(code) ?? await DeleteAsync(new(db, http, time, changes, ct), db.Sponsors, code, "sponsor", ToResponse, async () =>
        {
            if (await db.Cases.CountAsync(c => c.SponsorCode == code, ct) is > 0 and var count) return $"{count} case(s) name it";
            if (await db.Entities.CountAsync(e => e.SponsorCode == code, ct) is > 0 and var entities) return $"{entities} entit(ies) belong to it";
            var children = await db.Sponsors.Where(s => s.ParentCode == code).Select(s => s.Code).ToListAsync(ct);
            return children.Count > 0 ? $"it is the parent of {string.Join(", ", children)}" : null;
        });

    /// <summary>Create or replace a policy document and the sectors its objectives name.</summary>
    /// <remarks>Alignment is derived from this mapping at query time, so every case's alignedPolicies and every
    /// alignment statistic change at once.</remarks>
    private static async Task<Results<Created<PolicyDocumentResponse>, Ok<PolicyDocumentResponse>, ValidationProblem>> PutPolicyDocument(
        string code, PolicyDocumentRequest request, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var sectors = request.Sectors!.Select(s => s!).ToList();
        var known = await db.Sectors.Where(s => sectors.Contains(s.Code)).Select(s => s.Code).ToListAsync(ct);
        var unknown = sectors.Select((s, i) => (s, i)).Where(x => !known.Contains(x.s)).ToList();
        if (unknown.Count > 0)
        {
            return ValidationExtensions.InvalidRequest(
                unknown.ToDictionary(x => $"sectors[{x.i}]", x => new[] { $"'{x.s}' is not a sector code; see GET /api/v1/sectors." }));
        }

        return await UpsertAsync(new(db, http, time, changes, ct), db.PolicyDocuments.Include(p => p.Sectors), code, "policy document",
            () => new PolicyDocument { Code = code, Name = "" }, document =>
            {
                (document.Name, document.Description, document.Year) = (request.Name!, request.Description, request.Year);
                // Change the mapping row by row: re-adding a removed (policy, sector) pair would clash in the change tracker.
                document.Sectors.RemoveAll(m => !sectors.Contains(m.SectorCode));
                document.Sectors.AddRange(sectors.Where(s => document.Sectors.All(m => m.SectorCode != s))
                    .Select(s => new PolicyDocumentSector { PolicyCode = code, SectorCode = s }));
            }, ToResponse);
    }

    /// <summary>Delete a policy document and its sector mapping.</summary>
    /// <remarks>Cases do not store alignment, so nothing refers to a policy document: deleting one only changes derived figures.</remarks>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeletePolicyDocument(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct) =>
        InvalidCode(code) ?? await DeleteAsync(new(db, http, time, changes, ct), db.PolicyDocuments.Include(p => p.Sectors), code, "policy document",
            ToResponse, () => Task.FromResult<string?>(null));

    /// <summary>Create or replace a source list (a published compilation cases can be listed in).</summary>
    private static async Task<Results<Created<SourceListResponse>, Ok<SourceListResponse>, ValidationProblem>> PutSourceList(
        string code, SourceListRequest request, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct) =>
        InvalidCode(code) ?? await UpsertAsync(new(db, http, time, changes, ct), db.SourceLists, code, "source list",
            () => new SourceList { Code = code, Name = "" },
            s => (s.Name, s.Description, s.Publisher, s.CoverageFrom, s.CoverageTo) =
                (request.Name!, request.Description, request.Publisher, request.CoverageFrom, request.CoverageTo),
            ToResponse);

    /// <summary>Delete a source list that no case is listed in.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSourceList(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct) =>
        InvalidCode(code) ?? await DeleteAsync(new(db, http, time, changes, ct), db.SourceLists, code, "source list", ToResponse, async () =>
            await CasesUsingAsync(db, "listed_in", code, ct) is > 0 and var count ? $"{count} case(s) are listed in it" : null);

    /// <summary>What every edit needs: the store, the caller (for the audit row), the clock and the cache to invalidate.</summary>
    private sealed record Edit(CaseDbContext Db, HttpContext Http, TimeProvider Time, StoreChanges Changes, CancellationToken Ct);

    /// <summary>
    /// A PUT: loads the row (or creates it), applies the request, and saves it with its audit row; 201 with Location when
    /// it created the code, 200 when it replaced it. <paramref name="what"/> names the row in words; its kebab-case form is
    /// the audit's entity type and, plural, the path.
    /// </summary>
    private static async Task<Results<Created<TResponse>, Ok<TResponse>, ValidationProblem>> UpsertAsync<T, TResponse>(
        Edit edit, IQueryable<T> rows, string code, string what, Func<T> create, Action<T> apply, Func<T, TResponse> toResponse)
        where T : class, IReferenceRow
    {
        var row = await rows.FirstOrDefaultAsync(r => r.Code == code, edit.Ct);
        var before = row is null ? null : Snapshot(toResponse(row));
        row ??= edit.Db.Add(create()).Entity;
        apply(row);
        var response = toResponse(row);
        await SaveAsync(edit, EntityType(what), code, before, Snapshot(response));
        return before is null ? TypedResults.Created($"/api/v1/{EntityType(what)}s/{code}", response) : TypedResults.Ok(response);
    }

    /// <summary>A DELETE: 404 when the code is unknown, 409 saying why while something still uses it.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync<T, TResponse>(
        Edit edit, IQueryable<T> rows, string code, string what, Func<T, TResponse> toResponse, Func<Task<string?>> inUse)
        where T : class, IReferenceRow
    {
        var row = await rows.FirstOrDefaultAsync(r => r.Code == code, edit.Ct);
        if (row is null) return NotFound(what, code);
        if (await inUse() is { } why) return InUse(what, code, why);

        edit.Db.Remove(row);
        await SaveAsync(edit, EntityType(what), code, Snapshot(toResponse(row)), null);
        return TypedResults.NoContent();
    }

    private static string EntityType(string what) => what.Replace(' ', '-');

    /// <summary>The change and its audit row in one SaveChanges (one transaction); an edit that changes nothing writes nothing.</summary>
    private static async Task SaveAsync(Edit edit, string entityType, string code, JsonObject? before, JsonObject? after)
    {
        var changes = AuditTrail.Diff(before ?? [], after ?? []);
        if (changes.Count == 0) return;
        edit.Db.AuditEvents.Add(AuditTrail.Event(edit.Http, Action, entityType, code, changes, edit.Time.GetUtcNow()));
        await edit.Db.SaveChangesAsync(edit.Ct);
        // Validation here sees the edit at once; other replicas hear it from the database as it commits.
        edit.Changes.Announce(ReferenceCodes.Kinds);
    }

    /// <summary>Case code lists are text[] columns with GIN indexes; the containment operator @> is what those indexes serve.</summary>
    private static Task<int> CasesUsingAsync(CaseDbContext db, string column, string code, CancellationToken ct)
    {
        var array = SqlFragment.Raw(column is "sectors" or "listed_in" ? column : throw new ArgumentOutOfRangeException(nameof(column)));
        return db.Database.Query<int>(SqlFragment.Of($"SELECT count(*)::int AS \"Value\" FROM cases WHERE {array} @> ARRAY[{code}]::text[]"))
            .SingleAsync(ct);
    }

    /// <summary>The friendly early answer; the trigger <see cref="SponsorParentConstraint"/> is what guarantees it under concurrency.</summary>
    private static async Task<string?> ParentProblemAsync(CaseDbContext db, string code, string parent, CancellationToken ct)
    {
        var parents = await db.Sponsors.AsNoTracking().ToDictionaryAsync(s => s.Code, s => s.ParentCode, ct);
        if (!parents.ContainsKey(parent)) return $"'{parent}' is not a sponsor code; see GET /api/v1/sponsors.";
        // Bounded even if a cycle was written around the trigger: each sponsor is visited at most once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? ancestor = parent; ancestor is not null && seen.Add(ancestor); ancestor = parents.GetValueOrDefault(ancestor))
        {
            ct.ThrowIfCancellationRequested();
            if (ancestor == code) return $"'{parent}' descends from '{code}': a sponsor cannot be its own ancestor.";
        }
        return seen.Count >= Sponsor.MaxDepth ? $"Under '{parent}' the hierarchy would be deeper than {Sponsor.MaxDepth} levels." : null;
    }

    private static ValidationProblem? InvalidCode(string code) => ReferenceValidation.IsCode(code) ? null : Invalid("code",
        $"A code is lowercase letters and digits in hyphen-separated words, at most {ReferenceValidation.MaxCodeLength} characters.");

    private static ValidationProblem Invalid(string field, string message) =>
        ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { [field] = [message] });

    private static ProblemHttpResult NotFound(string what, string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"The {what} was not found.", detail: $"No {what} has the code " +
            $"'{code}'.");

    private static ProblemHttpResult InUse(string what, string code, string why) =>
        ProblemResults.Of(ProblemCodes.CodeInUse, $"The {what} is in use.",
            $"'{code}' cannot be deleted: {why}. Change those first.");

    private static JsonObject Snapshot<T>(T response) => (JsonObject)JsonSerializer.SerializeToNode(response, JsonSerializerOptions.Web)!;

    private static SectorResponse ToResponse(Sector s) => new(s.Code, s.Name, s.Description);

    private static SponsorResponse ToResponse(Sponsor s) => new(s.Code, s.Name, s.Description, s.Type, s.ParentCode);

    private static PolicyDocumentResponse ToResponse(PolicyDocument p) =>
        new(p.Code, p.Name, p.Description, p.Year, [.. p.Sectors.Select(s => s.SectorCode).Order(StringComparer.Ordinal)]);

    private static SourceListResponse ToResponse(SourceList s) => new(s.Code, s.Name, s.Description, s.Publisher, s.CoverageFrom, s.CoverageTo);
}
