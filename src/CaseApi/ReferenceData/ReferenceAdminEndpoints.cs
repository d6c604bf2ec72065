using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Validation;
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

    public static RouteGroupBuilder MapReferenceAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").WithTags("Reference data").RequireAuthorization(Policies.Admin);

        admin.MapPut("/sectors/{code}", PutSector).WithName(nameof(PutSector)).WithValidation<SectorRequest>();
        admin.MapDelete("/sectors/{code}", DeleteSector).WithName(nameof(DeleteSector)).WithDeleteProblems();
        admin.MapPut("/sponsors/{code}", PutSponsor).WithName(nameof(PutSponsor)).WithValidation<SponsorRequest>();
        admin.MapDelete("/sponsors/{code}", DeleteSponsor).WithName(nameof(DeleteSponsor)).WithDeleteProblems();
        admin.MapPut("/policy-documents/{code}", PutPolicyDocument).WithName(nameof(PutPolicyDocument)).WithValidation<PolicyDocumentRequest>();
        // Nothing refers to a policy document (alignment is computed), so deleting one never conflicts.
        admin.MapDelete("/policy-documents/{code}", DeletePolicyDocument).WithName(nameof(DeletePolicyDocument)).ProducesValidationProblem();
        admin.MapPut("/source-lists/{code}", PutSourceList).WithName(nameof(PutSourceList)).WithValidation<SourceListRequest>();
        admin.MapDelete("/source-lists/{code}", DeleteSourceList).WithName(nameof(DeleteSourceList)).WithDeleteProblems();
        return api;
    }

    private static RouteHandlerBuilder WithDeleteProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>Create or replace a sector.</summary>
    private static async Task<Results<Created<SectorResponse>, Ok<SectorResponse>, ValidationProblem>> PutSector(
        string code, SectorRequest request, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var sector = await db.Sectors.FirstOrDefaultAsync(s => s.Code == code, ct);
        var before = sector is null ? null : Snapshot(ToResponse(sector));
        sector ??= db.Sectors.Add(new Sector { Code = code, Name = "" }).Entity;
        sector.Name = request.Name!;
        sector.Description = request.Description;

        return await SaveUpsertAsync(db, http, time, codes, "sector", "sectors", code, before, ToResponse(sector), ct);
    }

    /// <summary>Delete a sector that no case and no policy document names.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSector(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var sector = await db.Sectors.FirstOrDefaultAsync(s => s.Code == code, ct);
        if (sector is null) return NotFound("sector", code);
        if (await CasesUsingAsync(db, "sectors", code, ct) is > 0 and var count) return InUse("sector", code, $"{count} case(s) name it");
        var policies = await db.PolicyDocumentSectors.Where(m => m.SectorCode == code).Select(m => m.PolicyCode).ToListAsync(ct);
        if (policies.Count > 0) return InUse("sector", code, $"the policy document(s) {string.Join(", ", policies)} name it");

        db.Sectors.Remove(sector);
        await SaveAsync(db, http, time, codes, "sector", code, Snapshot(ToResponse(sector)), null, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Create or replace a sponsor (its parent must exist, and a sponsor cannot be its own ancestor).</summary>
    private static async Task<Results<Created<SponsorResponse>, Ok<SponsorResponse>, ValidationProblem>> PutSponsor(
        string code, SponsorRequest request, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        if (request.Parent is { } parent && await ParentProblemAsync(db, code, parent, ct) is { } message)
        {
            return ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { ["parent"] = [message] });
        }
        var sponsor = await db.Sponsors.FirstOrDefaultAsync(s => s.Code == code, ct);
        var before = sponsor is null ? null : Snapshot(ToResponse(sponsor));
        sponsor ??= db.Sponsors.Add(new Sponsor { Code = code, Name = "", Type = "" }).Entity;
        sponsor.Name = request.Name!;
        sponsor.Type = request.Type!;
        sponsor.Description = request.Description;
        sponsor.ParentCode = request.Parent;

        try
        {
            return await SaveUpsertAsync(db, http, time, codes, "sponsor", "sponsors", code, before, ToResponse(sponsor), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { ConstraintName: SponsorParentConstraint } refused)
        {
            // A concurrent edit passed the check above too; the database's trigger saw both and refused this one.
            return ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { ["parent"] = [refused.MessageText] });
        }
    }

    /// <summary>Delete a sponsor that no case names and that has no child sponsors.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSponsor(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var sponsor = await db.Sponsors.FirstOrDefaultAsync(s => s.Code == code, ct);
        if (sponsor is null) return NotFound("sponsor", code);
        if (await db.Cases.CountAsync(c => c.SponsorCode == code, ct) is > 0 and var count) return InUse("sponsor", code, $"{count} case(s) name it");
        var children = await db.Sponsors.Where(s => s.ParentCode == code).Select(s => s.Code).ToListAsync(ct);
        if (children.Count > 0) return InUse("sponsor", code, $"it is the parent of {string.Join(", ", children)}");

        db.Sponsors.Remove(sponsor);
        await SaveAsync(db, http, time, codes, "sponsor", code, Snapshot(ToResponse(sponsor)), null, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Create or replace a policy document and the sectors its objectives name.</summary>
    /// <remarks>Alignment is derived from this mapping at query time, so every case's alignedPolicies and every alignment statistic change at once.</remarks>
    private static async Task<Results<Created<PolicyDocumentResponse>, Ok<PolicyDocumentResponse>, ValidationProblem>> PutPolicyDocument(
        string code, PolicyDocumentRequest request, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
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

        var document = await db.PolicyDocuments.Include(p => p.Sectors).FirstOrDefaultAsync(p => p.Code == code, ct);
        var before = document is null ? null : Snapshot(ToResponse(document));
        document ??= db.PolicyDocuments.Add(new PolicyDocument { Code = code, Name = "" }).Entity;
        document.Name = request.Name!;
        document.Description = request.Description;
        document.Year = request.Year;
        // Change the mapping row by row: re-adding a removed (policy, sector) pair would clash in the change tracker.
        document.Sectors.RemoveAll(m => !sectors.Contains(m.SectorCode));
        document.Sectors.AddRange(sectors.Where(s => document.Sectors.All(m => m.SectorCode != s))
            .Select(s => new PolicyDocumentSector { PolicyCode = code, SectorCode = s }));

        return await SaveUpsertAsync(db, http, time, codes, "policy-document", "policy-documents", code, before, ToResponse(document), ct);
    }

    /// <summary>Delete a policy document and its sector mapping.</summary>
    /// <remarks>Cases do not store alignment, so nothing refers to a policy document: deleting one only changes derived figures.</remarks>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeletePolicyDocument(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var document = await db.PolicyDocuments.Include(p => p.Sectors).FirstOrDefaultAsync(p => p.Code == code, ct);
        if (document is null) return NotFound("policy document", code);

        db.PolicyDocuments.Remove(document);
        await SaveAsync(db, http, time, codes, "policy-document", code, Snapshot(ToResponse(document)), null, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Create or replace a source list (a published compilation cases can be listed in).</summary>
    private static async Task<Results<Created<SourceListResponse>, Ok<SourceListResponse>, ValidationProblem>> PutSourceList(
        string code, SourceListRequest request, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var list = await db.SourceLists.FirstOrDefaultAsync(s => s.Code == code, ct);
        var before = list is null ? null : Snapshot(ToResponse(list));
        list ??= db.SourceLists.Add(new SourceList { Code = code, Name = "" }).Entity;
        list.Name = request.Name!;
        list.Description = request.Description;
        list.Publisher = request.Publisher;
        list.CoverageFrom = request.CoverageFrom;
        list.CoverageTo = request.CoverageTo;

        return await SaveUpsertAsync(db, http, time, codes, "source-list", "source-lists", code, before, ToResponse(list), ct);
    }

    /// <summary>Delete a source list that no case is listed in.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSourceList(
        string code, CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, CancellationToken ct)
    {
        if (InvalidCode(code) is { } invalid) return invalid;
        var list = await db.SourceLists.FirstOrDefaultAsync(s => s.Code == code, ct);
        if (list is null) return NotFound("source list", code);
        if (await CasesUsingAsync(db, "listed_in", code, ct) is > 0 and var count) return InUse("source list", code, $"{count} case(s) are listed in it");

        db.SourceLists.Remove(list);
        await SaveAsync(db, http, time, codes, "source-list", code, Snapshot(ToResponse(list)), null, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Saves a PUT: 201 with Location when it created the code, 200 when it replaced it.</summary>
    private static async Task<Results<Created<T>, Ok<T>, ValidationProblem>> SaveUpsertAsync<T>(
        CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, string entityType, string path, string code,
        JsonObject? before, T response, CancellationToken ct)
    {
        await SaveAsync(db, http, time, codes, entityType, code, before, Snapshot(response), ct);
        return before is null ? TypedResults.Created($"/api/v1/{path}/{code}", response) : TypedResults.Ok(response);
    }

    /// <summary>The change and its audit row in one SaveChanges (one transaction); an edit that changes nothing writes nothing.</summary>
    private static async Task SaveAsync(
        CaseDbContext db, HttpContext http, TimeProvider time, ReferenceCodes codes, string entityType, string code,
        JsonObject? before, JsonObject? after, CancellationToken ct)
    {
        var changes = AuditTrail.Diff(before ?? [], after ?? []);
        if (changes.Count == 0) return;
        db.AuditEvents.Add(AuditTrail.Event(http, Action, entityType, code, changes, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        codes.Invalidate();
    }

    // Case code lists are text[] columns with GIN indexes; the containment operator @> is what those indexes serve.
    private static Task<int> CasesUsingAsync(CaseDbContext db, string column, string code, CancellationToken ct) => column switch
    {
        "sectors" => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM cases WHERE sectors @> ARRAY[{code}]::text[]").SingleAsync(ct),
        "listed_in" => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM cases WHERE listed_in @> ARRAY[{code}]::text[]").SingleAsync(ct),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

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

    private static ValidationProblem? InvalidCode(string code) => ReferenceValidation.IsCode(code) ? null :
        ValidationExtensions.InvalidRequest(new Dictionary<string, string[]>
        {
            ["code"] = [$"A code is lowercase letters and digits in hyphen-separated words, at most {ReferenceValidation.MaxCodeLength} characters."],
        });

    private static ProblemHttpResult NotFound(string what, string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"The {what} was not found.", detail: $"No {what} has the code '{code}'.");

    private static ProblemHttpResult InUse(string what, string code, string why) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The {what} is in use.",
            detail: $"'{code}' cannot be deleted: {why}. Change those first.");

    private static JsonObject Snapshot<T>(T response) => (JsonObject)JsonSerializer.SerializeToNode(response, JsonSerializerOptions.Web)!;

    private static SectorResponse ToResponse(Sector s) => new(s.Code, s.Name, s.Description);

    private static SponsorResponse ToResponse(Sponsor s) => new(s.Code, s.Name, s.Description, s.Type, s.ParentCode);

    private static PolicyDocumentResponse ToResponse(PolicyDocument p) =>
        new(p.Code, p.Name, p.Description, p.Year, [.. p.Sectors.Select(s => s.SectorCode).Order(StringComparer.Ordinal)]);

    private static SourceListResponse ToResponse(SourceList s) => new(s.Code, s.Name, s.Description, s.Publisher, s.CoverageFrom, s.CoverageTo);
}
