using System.Data;
using System.Security.Cryptography;
using System.Text;
using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Cases;

/// <summary>
/// DELETE /cases?&lt;filters&gt;: removing a set of cases (the bundled sample, a bad import) safely, in two steps. A dry
/// run counts what the filter matches and hands out a token bound to the filter and the store version; the commit takes
/// that token and deletes exactly the previewed set, or answers 412 when anything was written since. The deletion is one
/// set-based statement in one transaction, so it is one history position, with one audit row per case; releases and
/// asOf reads taken before it still answer as they did, from the history.
/// </summary>
internal static class CaseBulkDelete
{
    /// <summary>How many of the matching case ids a dry run lists.</summary>
    public const int FirstIds = 20;

    public static RouteGroupBuilder MapCaseBulkDelete(this RouteGroupBuilder cases)
    {
        cases.MapDelete("/", DeleteCases).WithName(nameof(DeleteCases)).RequireAuthorization(Policies.Admin)
            .WithQuery<CaseFilter, BulkDeleteQuery>().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).Reviewed(ReviewRule.Refused, ReviewReasons.Bulk);
        return cases;
    }

    /// <summary>Delete every case the filters match (admin): a dry run first, then the commit with its token.</summary>
    /// <remarks>
    /// dryRun=true answers the count, the first ids (by slug) and a token. Send the same filters with token=… (without
    /// dryRun) to delete: a token from before any other write, or from other filters, is 412; no filter at all, or asOf or
    /// release, is 400. One transaction, one history position, one audit row per case.
    /// </remarks>
    private static async Task<Results<Ok<BulkDeleteResponse>, ProblemHttpResult, ValidationProblem>> DeleteCases(
        [AsParameters] CaseFilter filter, [AsParameters] BulkDeleteQuery query, CaseDbContext db, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        if (filter.AsOf is not null || filter.Release is not null)
        {
            return Invalid(filter.AsOf is not null ? "asOf" : "release", "The past cannot be deleted: a bulk delete reads the current store.");
        }
        var current = filter with { View = StoreView.Current };
        var condition = current.ToSql();
        if (condition.ToString() == "TRUE") return Invalid("filter", "A bulk delete needs at least one filter (tag=sample, listedIn=…).");
        var key = FilterKey(condition);

        if (query.DryRun == true)
        {
            // One snapshot for the version, the count and the ids: the token promises the set that was counted.
            await using var read = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var at = await StoreVersion.ReadAsync(db, ct);
            var (count, firstIds) = await MatchesAsync(db, condition, ct);
            return TypedResults.Ok(new BulkDeleteResponse(true, count, firstIds, PageCursor.Encode(new BulkDeleteToken(key, at, count)), at));
        }
        if (query.Token is null) return Invalid("token", "Run the delete with dryRun=true first and send the token it returns.");
        if (!PageCursor.TryDecode<BulkDeleteToken>(query.Token, out var given)) return Invalid("token", "The token is not one a dry run returned.");
        if (given.Filter != key) return Stale("The token was issued for other filters: send the filters of the dry run.");

        // READ COMMITTED, the only isolation the history seals. The delete statement itself requires the dry run's version in
        // its own snapshot, so it deletes from the store the dry run counted; a write that commits while it runs can still
        // change a row under it, which the count catches: then nothing is deleted and the token is stale.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var version = await StoreVersion.ReadAsync(db, ct);
        if (version != given.Version)
        {
            return Stale($"The store has changed since the dry run (version {given.Version}, now {version}): run it again.");
        }
        var (_, first) = await MatchesAsync(db, condition, ct);
        var audit = (AuditTrail.Actor(http.User), http.TraceIdentifier, time.GetUtcNow());
        var deleted = await db.Database.ExecuteAsync(DeleteSql(condition, given.Version, audit), ct);
        if (deleted != given.Count)
        {
            await transaction.RollbackAsync(ct);
            return Stale($"The store changed during the delete ({deleted} cases matched, the dry run counted {given.Count}): run it again.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new BulkDeleteResponse(false, deleted, first, null, version));
    }

    /// <summary>How many cases the condition matches and the first of them by slug, in the caller's transaction.</summary>
    private static async Task<(int Count, List<Guid> First)> MatchesAsync(CaseDbContext db, SqlFragment condition, CancellationToken ct)
    {
        var count = await db.Database.Query<int>(SqlFragment.Of($"SELECT count(*)::int AS \"Value\" FROM cases c WHERE {condition}"))
            .SingleAsync(ct);
        var first = await db.Database.Query<Guid>(
            SqlFragment.Of($"SELECT c.id AS \"Value\" FROM cases c WHERE {condition} ORDER BY c.slug LIMIT {FirstIds}")).ToListAsync(ct);
        return (count, first);
    }

    /// <summary>
    /// One statement: delete the matches, if its snapshot is still at <paramref name="version"/>, and write each one's audit
    /// row (the deleted record, as a single DELETE writes it); its row count is the audit rows written, one per deleted case.
    /// </summary>
    private static SqlFragment DeleteSql(SqlFragment condition, long version, (string Actor, string RequestId, DateTimeOffset Now) audit) =>
        SqlFragment.Of($"""
        WITH deleted AS (DELETE FROM cases c WHERE {condition} AND (SELECT position FROM history_clock) = {version} RETURNING c.*)
        INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, request_id, changes)
        SELECT {audit.Now}, {audit.Actor}, 'delete', 'case', d.id::text, {audit.RequestId}, {SqlFragment.Raw(Snapshot)}
        FROM deleted d ORDER BY d.slug
        """);

    private static readonly string Snapshot = CaseColumns.SnapshotSql((_, column) => $"d.{column}");

    /// <summary>What the token binds: the filter's SQL and its values, hashed (the token itself is signed, not secret).</summary>
    private static string FilterKey(SqlFragment condition)
    {
        var (text, parameters) = condition.Render();
        var values = string.Join('\u001f', parameters.Select(p => p.Value switch
        {
            string[] array => string.Join('\u001e', array),
            var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        }));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{text}\u001d{values}")))[..32];
    }

    private static ValidationProblem Invalid(string parameter, string message) =>
        ValidationExtensions.InvalidRequest(new Dictionary<string, string[]> { [parameter] = [message] }, message);

    private static ProblemHttpResult Stale(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The dry run's token is stale.", detail: detail);

    /// <summary>A dry run's token: the filter it previewed, the store version it previewed it at and the count it found.</summary>
    internal sealed record BulkDeleteToken(string Filter, long Version, int Count);
}
