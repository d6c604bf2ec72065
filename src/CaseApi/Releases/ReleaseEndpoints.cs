using System.Text.Json;
using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Releases;

/// <summary>
/// Named releases: a history position with a name people can cite. <c>release=name</c> works wherever <c>asOf</c> does.
/// The table is append-only for the service, and each release is in the history's hash chain.
/// </summary>
internal static class ReleaseEndpoints
{
    public static RouteGroupBuilder MapReleaseEndpoints(this RouteGroupBuilder api)
    {
        var releases = api.MapGroup("/releases").WithTags("Releases").RequireAuthorization(Policies.Reader);
        releases.MapPost("/", CreateRelease).WithName(nameof(CreateRelease)).Idempotent().RequireAuthorization(Policies.Admin)
            .WithValidation<CreateReleaseRequest>().ProducesProblem(StatusCodes.Status409Conflict).Reviewed(ReviewRule.Exempt);
        releases.MapGet("/", ListReleases).WithName(nameof(ListReleases)).ReadsStore<ReleaseListQuery>(StoreRead.Log);
        releases.MapGet("/{name}", GetRelease).WithName(nameof(GetRelease)).ReadsStore(StoreRead.Log);
        return api;
    }

    /// <summary>Take a release: name a history position (the current store version by default) so that it can be cited.</summary>
    /// <remarks>
    /// Answers 201 with Location. A release is permanent: it can be neither changed nor removed, so take one only to cite it.
    /// Taking one maps every case to its state at the position, so that reads of the release are fast; that takes time in
    /// proportion to the history (docs/performance.md).
    /// A name already taken is 409: a release always means what it meant when it was cited. A position beyond the current
    /// store version is 400.
    /// </remarks>
    private static async Task<Results<Created<ReleaseResponse>, ValidationProblem, ProblemHttpResult>> CreateRelease(
        CreateReleaseRequest request, CaseDbContext db, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var version = await StoreVersion.ReadAsync(db, ct);
        var position = request.Position ?? version;
        if (position > version)
        {
            return ValidationExtensions.InvalidRequest(new Dictionary<string, string[]>
            {
                ["position"] = [$"Position {position} is beyond the store's current version {version}."],
            });
        }

        var now = time.GetUtcNow();
        var actor = AuditTrail.Actor(http.User);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var inserted = await db.Database.ExecuteAsync(SqlFragment.Of($"""
            INSERT INTO releases (name, description, position, created_at, created_by)
            VALUES ({request.Name}, {request.Description}, {position}, {now}, {actor}) ON CONFLICT (name) DO NOTHING
            """), ct);
        if (inserted == 0)
        {
            return ProblemResults.Of(ProblemCodes.NameTaken, "The release name is already in use.",
                $"A release named '{request.Name}' exists; a release never changes, so pick another name.");
        }
        // The release map (each case's history entry at the position), built once per position in the release's transaction:
        // release= reads then cost what they read. At 1,000,000 cases it takes longer than a point write's statement timeout
        // (docs/performance.md#reads-of-the-past), and only an admin takes a release.
        await db.Database.ExecuteAsync(SqlFragment.Raw("SET LOCAL statement_timeout = '10min'"), ct);
        await db.Database.Query<long>(SqlFragment.Of($"SELECT release_map_build({position}) AS \"Value\"")).SingleAsync(ct);
        var created = (await FindAsync(db, request.Name!, ct))!;
        db.AuditEvents.Add(AuditTrail.Event(http, "release-created", "release", created.Name, Recorded(created), now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/releases/{Uri.EscapeDataString(created.Name)}", created);
    }

    /// <summary>List releases, newest first.</summary>
    private static async Task<Ok<PagedResponse<ReleaseResponse>>> ListReleases(
        [AsParameters] ReleaseListQuery query, StoreSnapshot snapshot, HttpContext http, CancellationToken ct)
    {
        var db = snapshot.Db;
        var after = PageCursor.TryDecode<ReleaseCursor>(query.Cursor, out var cursor)
            ? SqlFragment.Of($"(r.created_at, r.name) < ({cursor.CreatedAt}, {cursor.Name})")
            : SqlFragment.Raw("TRUE");
        var rows = await db.Database.Query<ReleaseResponse>(
            SelectSql(after) + SqlFragment.Of($" ORDER BY r.created_at DESC, r.name DESC LIMIT {query.PageSize + 1}")).ToListAsync(ct);
        var total = await db.Database.Query<long>(SqlFragment.Raw("SELECT count(*) AS \"Value\" FROM releases")).SingleAsync(ct);
        return TypedResults.Ok(KeysetPage.Create(rows, query.PageSize, total, r => new ReleaseCursor(r.CreatedAt, r.Name), http.Response));
    }

    /// <summary>Get a release by its name.</summary>
    private static async Task<Results<Ok<ReleaseResponse>, ProblemHttpResult>> GetRelease(
        string name, StoreSnapshot snapshot, CancellationToken ct) =>
        await FindAsync(snapshot.Db, name, ct) is { } release
            ? TypedResults.Ok(release)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Release not found.", detail: $"No release is named '{name}'.");

    // The audit keeps the actor's id only: a name in the append-only trail could never follow a rename.
    private static System.Text.Json.Nodes.JsonNode? Recorded(ReleaseResponse release) =>
        JsonSerializer.SerializeToNode(release with { CreatedByName = null });

    private static Task<ReleaseResponse?> FindAsync(CaseDbContext db, string name, CancellationToken ct) =>
        db.Database.Query<ReleaseResponse>(SelectSql(SqlFragment.Of($"r.name = {name}"))).SingleOrDefaultAsync(ct);

    private static SqlFragment SelectSql(SqlFragment condition) => SqlFragment.Of($"""
        SELECT r.name, r.description, r.position, h.committed_at, r.created_at, r.created_by, coalesce(p.name, k.name) AS created_by_name
        FROM releases r LEFT JOIN history_commits h ON h.position = r.position
        LEFT JOIN people p ON p.id = r.created_by
        LEFT JOIN api_keys k ON r.created_by = {Actors.KeyPrefix} || k.id::text
        WHERE {condition}
        """);
}
