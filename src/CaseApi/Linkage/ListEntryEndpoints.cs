using System.ComponentModel;
using System.Text.Json;
using CaseApi.Audit;
using CaseApi.Cases;
using CaseApi.Imports;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using FromRouteAttribute = Microsoft.AspNetCore.Mvc.FromRouteAttribute;

namespace CaseApi.Linkage;

internal static class ListEntryEndpoints
{
    private static readonly string[] UploadMediaTypes = ["text/csv", "application/json", "application/x-ndjson", Spreadsheet.MediaType];

    public static IServiceCollection AddLinkage(this IServiceCollection services)
    {
        services.AddOptions<LinkageOptions>().BindConfiguration(LinkageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ListMatching>();
        return services;
    }

    public static RouteGroupBuilder MapListEntryEndpoints(this RouteGroupBuilder api)
    {
        var entries = api.MapGroup("/source-lists/{code}/entries").WithTags("List entries").RequireAuthorization(Policies.Reader);
        entries.MapPost("/", UploadEntries).WithName(nameof(UploadEntries)).RequireAuthorization(Policies.Editor).Idempotent()
            .RequireRateLimiting(RateLimitPolicies.Bulk).WithQuery<ListEntryUploadQuery>()
            // Declared for the document only, as the import does: Accepts() would make routing answer 415 itself.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = UploadMediaTypes.ToDictionary(m => m, m => m == Spreadsheet.MediaType
                        ? new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }
                        : new OpenApiMediaType { Example = RequestExamples.ListEntriesBody(m) }),
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Reviewed(ReviewRule.Exempt);
        entries.MapGet("/", ListEntries).WithName(nameof(ListEntries)).ReadsStore<ListEntryQuery>(StoreRead.Current)
            .ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapPost("/{entryId:guid}/accept", AcceptCandidate).WithName(nameof(AcceptCandidate))
            .RequireAuthorization(Policies.Editor).Idempotent()
            .WithValidation<EntryDecisionRequest>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .Reviewed(ReviewRule.Refused, ReviewReasons.Linkage);
        entries.MapPost("/{entryId:guid}/reject", RejectCandidate).WithName(nameof(RejectCandidate))
            .RequireAuthorization(Policies.Editor).Idempotent()
            .WithValidation<EntryDecisionRequest>().ProducesProblem(StatusCodes.Status404NotFound)
            .Reviewed(ReviewRule.Refused, ReviewReasons.Linkage);
        entries.MapGet("/{entryId:guid}/case-draft", DraftCase).WithName(nameof(DraftCase)).ReadsStore(StoreRead.Current)
            .ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapPost("/accept", AcceptSuggestions).WithName(nameof(AcceptSuggestions)).RequireAuthorization(Policies.Editor).Idempotent()
            .WithValidation<BulkAcceptRequest>().ProducesProblem(StatusCodes.Status404NotFound).Reviewed(ReviewRule.Refused, ReviewReasons.Linkage);
        return api;
    }

    /// <summary>Upload a list's entries (CSV, JSON, NDJSON or .xlsx as published), match them to cases and report.</summary>
    /// <remarks>
    /// The query names the columns (reference, names, date, headline, places, nameOrder) and saves them as the list's
    /// mapping; without them the saved mapping is used. A re-upload updates entries by reference. Rows that cannot be
    /// read are reported and skipped. dryRun=true reports what an upload would do and writes nothing.
    /// </remarks>
    private static async Task<Results<Ok<ListEntryUploadResponse>, ProblemHttpResult>> UploadEntries(
        [FromRoute, Description("The list's code.")] string code, [AsParameters] ListEntryUploadQuery query, CaseDbContext db,
        ListMatching matching, HttpContext http, TimeProvider time, IOptions<ImportOptions> limits, CancellationToken ct)
    {
        if (!await db.SourceLists.AnyAsync(l => l.Code == code, ct)) return ListNotFound(code);
        var actor = AuditTrail.Actor(http.User);
        var now = time.GetUtcNow();
        var mapping = query.NamesAMapping
            ? new ListMapping
            {
                ListCode = code, Reference = query.Reference!, Names = query.Names, Date = query.Date, Headline = query.Headline,
                Places = query.Places, NameOrder = Enum.Parse<NameOrder>(query.NameOrder ?? nameof(NameOrder.Auto), ignoreCase: true),
                UpdatedAt = now, UpdatedBy = actor,
            }
            : await db.ListMappings.AsNoTracking().FirstOrDefaultAsync(m => m.ListCode == code, ct);
        if (mapping is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The list has no column mapping.",
                detail: $"Name the columns of '{code}' in the query (reference, names, date, headline, places); the upload saves them.");
        }

        var (format, uploaded, errors, refusal) =
            await ListEntryUpload.ReadAsync(http.Request.ContentType, http.Request.Body, mapping, limits.Value, ct);
        if (refusal is not null) return ImportProblem.Of(refusal);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await matching.BeginAsync(ct);
        await matching.SyncCaseKeysAsync(ct);
        var (created, updated, ids) = await matching.UpsertEntriesAsync(code, uploaded, now, ct);
        await matching.MatchAsync([.. uploaded.Select(e => (ids[e.Entry.Reference], e.Entry))], ct);
        await matching.RefitAsync(now, ct);
        var counts = await ListLinkage.CountsAsync(db, code, matching.Options.SuggestThreshold, ct);
        var report = new ListEntryUploadResponse(code, query.DryRun ?? false, format!, ToResponse(mapping), uploaded.Count + errors.Count, created,
            updated, uploaded.Count - created - updated, errors.Count, [.. errors.Take(1000)], counts);
        if (report.DryRun)
        {
            await transaction.RollbackAsync(ct);
            return TypedResults.Ok(report);
        }
        if (query.NamesAMapping)
        {
            await db.ListMappings.Where(m => m.ListCode == code).ExecuteDeleteAsync(ct);
            db.ListMappings.Add(mapping);
        }
        var audit = JsonSerializer.SerializeToNode(report with { Errors = [] }, JsonSerializerOptions.Web);
        db.AuditEvents.Add(AuditTrail.Event(http, "upload", "list-entries", code, audit, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(report);
    }

    /// <summary>List a list's entries with their candidate cases, each candidate's features and weights.</summary>
    private static async Task<Results<Ok<ListEntryPage>, ProblemHttpResult>> ListEntries(
        [FromRoute, Description("The list's code.")] string code, [AsParameters] ListEntryQuery query, StoreSnapshot snapshot,
        IOptions<LinkageOptions> options, CancellationToken ct)
    {
        var db = snapshot.Db;
        if (!await db.SourceLists.AnyAsync(l => l.Code == code, ct)) return ListNotFound(code);
        var page = await ListLinkage.PageAsync(db, code, query, options.Value, ct);
        return TypedResults.Ok(page);
    }

    /// <summary>Accept a case for an entry as its reviewer: the case joins the list with the entry's reference as evidence (manual).</summary>
    private static async Task<Results<Ok<ListEntryResponse>, ProblemHttpResult>> AcceptCandidate(
        [FromRoute, Description("The list's code.")] string code, Guid entryId, EntryDecisionRequest request, CaseDbContext db,
        ListMatching matching, HttpContext http, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct) =>
        await DecideAsync(code, entryId, request, accept: true, db, matching, http, time, json, ct);

    /// <summary>Reject a case for an entry: it is not suggested again, re-uploads included; an accepted link is undone.</summary>
    private static async Task<Results<Ok<ListEntryResponse>, ProblemHttpResult>> RejectCandidate(
        [FromRoute, Description("The list's code.")] string code, Guid entryId, EntryDecisionRequest request, CaseDbContext db,
        ListMatching matching, HttpContext http, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct) =>
        await DecideAsync(code, entryId, request, accept: false, db, matching, http, time, json, ct);

    /// <summary>
    /// A new case pre-filled from an entry that is about no case yet: complete it, POST it to /cases, then accept it for
    /// the entry.
    /// </summary>
    /// <remarks>
    /// Title, defendants, states, the date (as chargedOn), the reference (as a source when it is a URL) and the list with
    /// the entry's reference as evidence come from the entry; what a list does not say (activity types, collector type,
    /// sectors, outcome) is left for the reviewer.
    /// </remarks>
    private static async Task<Results<Ok<CaseRequest>, ProblemHttpResult>> DraftCase(
        [FromRoute, Description("The list's code.")] string code, Guid entryId, StoreSnapshot snapshot, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        var db = snapshot.Db;
        var entry = await db.ListEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId && e.ListCode == code, ct);
        if (entry is null) return EntryNotFound(code, entryId);
        var order = await db.ListMappings.Where(m => m.ListCode == code).Select(m => (NameOrder?)m.NameOrder).FirstOrDefaultAsync(ct);
        var url = Uri.TryCreate(entry.Reference, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? entry.Reference : null;
        return TypedResults.Ok(new CaseRequest(
            Slug: null, Title: entry.Headline ?? entry.Names, Summary: null, ActivityTypes: null, Tradecraft: null, Sponsor: null,
            SponsorConfidence: null, CollectorType: null, CollectorCitizenship: null,
            Defendants: [.. NameNormaliser.ParsePeople(entry.Names, order ?? NameOrder.Auto).Select(n => n.Source)], Sectors: null,
            VictimTypes: null, Victims: null, UsStates: [.. UsPlaces.Find(entry.Places)], Venue: null, ActivityStart: null, ActivityEnd: null,
            ChargedOn: PartialDate.Format(entry.EntryDate, entry.EntryDatePrecision), ResolvedOn: null, Outcome: null, SentenceMonths: null,
            FineUsd: null, LossUsd: null, Sources: url is null ? [] : [new CaseSource(url)], Tags: null, ListedIn: [code],
            ListEvidence: [new ListEvidence(code, entry.Reference, "manual", AuditTrail.Actor(http.User), time.GetUtcNow())]));
    }

    /// <summary>
    /// Accept every waiting entry's best candidate that scores at least the threshold (default: the configured acceptance
    /// threshold) and leads the next candidate by the configured margin; each link is recorded as matchMethod rule, with
    /// the reviewer and the threshold.
    /// </summary>
    private static async Task<Results<Ok<BulkAcceptResponse>, ProblemHttpResult>> AcceptSuggestions(
        [FromRoute, Description("The list's code.")] string code, BulkAcceptRequest request, CaseDbContext db, IOptions<LinkageOptions> options,
        HttpContext http, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (!await db.SourceLists.AnyAsync(l => l.Code == code, ct)) return ListNotFound(code);
        var threshold = request.Threshold ?? options.Value.AcceptThreshold;
        var margin = options.Value.AcceptMargin;
        var actor = AuditTrail.Actor(http.User);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var chosen = await ListLinkage.BestCandidatesAsync(db, code, threshold, margin, ct);
        var caseIds = chosen.Select(c => c.CaseId).Distinct().ToList();
        var cases = await db.Cases.Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var entryIds = chosen.Select(c => c.EntryId).ToList();
        var candidates = await db.EntryCandidates.Where(c => entryIds.Contains(c.EntryId) && c.Decision == null).ToListAsync(ct);
        var before = cases.ToDictionary(c => c.Key, c => Memberships.Snapshot(c.Value, json.Value.SerializerOptions));
        foreach (var pick in chosen)
        {
            var candidate = candidates.Single(c => c.EntryId == pick.EntryId && c.CaseId == pick.CaseId);
            Decide(candidate, "accepted", "rule", actor, now, threshold);
            Memberships.Link(cases[pick.CaseId], new ListEvidence(code, pick.Reference, "rule", actor, now, threshold));
        }
        foreach (var (id, c) in cases)
        {
            c.UpdatedAt = now;
            var changes = AuditTrail.Diff(before[id], Memberships.Snapshot(c, json.Value.SerializerOptions));
            db.AuditEvents.Add(AuditTrail.Event(http, "update", "case", id.ToString(), changes, now));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var counts = await ListLinkage.CountsAsync(db, code, options.Value.SuggestThreshold, ct);
        return TypedResults.Ok(new BulkAcceptResponse(code, chosen.Count, threshold, margin, actor, counts));
    }

    /// <summary>
    /// One reviewer's decision on one (entry, case) pair, in one transaction with the membership it makes or undoes and
    /// the case's audit row. A case the blocker did not find is compared now, so its decision is explained like the others.
    /// </summary>
    private static async Task<Results<Ok<ListEntryResponse>, ProblemHttpResult>> DecideAsync(
        string code, Guid entryId, EntryDecisionRequest request, bool accept, CaseDbContext db, ListMatching matching, HttpContext http,
        TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var entry = await db.ListEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId && e.ListCode == code, ct);
        if (entry is null) return EntryNotFound(code, entryId);
        var target = request.Case!;
        var found = Guid.TryParse(target, out var caseId)
            ? await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct)
            : await db.Cases.FirstOrDefaultAsync(c => c.Slug == target, ct);
        if (found is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Case not found.",
                detail: $"No case has the id or slug '{target}'.");
        }
        var actor = AuditTrail.Actor(http.User);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var linkedElsewhere = await db.EntryCandidates.AnyAsync(c => c.EntryId == entryId && c.Decision == "accepted" && c.CaseId != found.Id, ct);
        if (accept && linkedElsewhere)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The entry is linked to another case.",
                detail: "An entry is about one case: reject its current link first.");
        }
        var candidate = await db.EntryCandidates.FirstOrDefaultAsync(c => c.EntryId == entryId && c.CaseId == found.Id, ct);
        if (candidate is null)
        {
            await matching.BeginAsync(ct);
            var vector = await matching.CompareAsync(ListLinkage.ToListEntry(entry), found.Id, ct);
            var model = await ListMatching.ModelAsync(db, ct);
            candidate = new EntryCandidate
            {
                EntryId = entryId, CaseId = found.Id, NameLevel = (short)vector.Name, DateLevel = (short)vector.Date,
                TitleLevel = (short)vector.Title, PlaceLevel = (short)vector.Place, ReferenceLevel = (short)vector.Reference,
                Score = model.Score(vector).Weight,
            };
            db.EntryCandidates.Add(candidate);
        }
        var before = Memberships.Snapshot(found, json.Value.SerializerOptions);
        var wasAccepted = candidate.Decision == "accepted";
        Decide(candidate, accept ? "accepted" : "rejected", "manual", actor, now, null);
        if (accept) Memberships.Link(found, new ListEvidence(code, entry.Reference, "manual", actor, now));
        else if (wasAccepted) Memberships.Unlink(found, code, entry.Reference);
        var changes = AuditTrail.Diff(before, Memberships.Snapshot(found, json.Value.SerializerOptions));
        if (changes.Count > 0)
        {
            found.UpdatedAt = now;
            db.AuditEvents.Add(AuditTrail.Event(http, "update", "case", found.Id.ToString(), changes, now));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var page = await ListLinkage.EntriesAsync(db, code, [entryId], matching.Options, ct);
        return TypedResults.Ok(page.Single());
    }

    private static void Decide(EntryCandidate candidate, string decision, string method, string actor, DateTimeOffset now, double? threshold)
    {
        candidate.Decision = decision;
        candidate.MatchMethod = method;
        candidate.DecidedBy = actor;
        candidate.DecidedAt = now;
        candidate.Threshold = threshold;
    }

    private static ListMappingResponse ToResponse(ListMapping m) => new(m.Reference, m.Names, m.Date, m.Headline, m.Places, m.NameOrder.ToString());

    private static ProblemHttpResult EntryNotFound(string code, Guid entryId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Entry not found.",
            detail: $"List '{code}' has no entry '{entryId}'.");

    internal static ProblemHttpResult ListNotFound(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source list not found.",
            detail: $"No source list has the code '{code}'; see GET /api/v1/source-lists.");
}
