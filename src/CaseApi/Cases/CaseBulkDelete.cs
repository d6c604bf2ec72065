using System.Data;
using System.Security.Cryptography;
using System.Text;
using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
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
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
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
            var preview = await db.Database.Query<PreviewRow>(PreviewSql(condition)).SingleAsync(ct);
            var token = PageCursor.Encode(new BulkDeleteToken(key, preview.Version));
            return TypedResults.Ok(new BulkDeleteResponse(true, preview.Count, preview.FirstIds ?? [], token, preview.Version));
        }
        if (query.Token is null) return Invalid("token", "Run the delete with dryRun=true first and send the token it returns.");
        if (!PageCursor.TryDecode<BulkDeleteToken>(query.Token, out var given)) return Invalid("token", "The token is not one a dry run returned.");
        if (given.Filter != key) return Stale("The token was issued for other filters: send the filters of the dry run.");

        // Repeatable read: the statement sees the store at the version it reads, so the set it deletes is the dry run's set
        // when the versions agree. A write committed after that snapshot makes the commit's history seal (or the delete of
        // a row it changed) a serialization failure, which is a 409 asking to retry.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var version = await StoreVersion.ReadAsync(db, ct);
        if (version != given.Version)
        {
            return Stale($"The store has changed since the dry run (version {given.Version}, now {version}): run it again.");
        }
        var deleted = await db.Database.Query<PreviewRow>(
            DeleteSql(condition, AuditTrail.Actor(http.User), http.TraceIdentifier, time.GetUtcNow())).SingleAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new BulkDeleteResponse(false, deleted.Count, deleted.FirstIds ?? [], null, version));
    }

    /// <summary>The count, the first ids by slug and the store version, read in one statement (one snapshot).</summary>
    private static SqlFragment PreviewSql(SqlFragment condition) => SqlFragment.Of($"""
        SELECT (SELECT position FROM history_clock) AS "Version", count(*)::int AS "Count",
               (array_agg(c.id ORDER BY c.slug))[1:{FirstIds}] AS "FirstIds"
        FROM cases c WHERE {condition}
        """);

    /// <summary>One statement: delete the matches and write each one's audit row (the deleted record, as a single DELETE writes it).</summary>
    private static SqlFragment DeleteSql(SqlFragment condition, string actor, string requestId, DateTimeOffset now) => SqlFragment.Of($"""
        WITH deleted AS (DELETE FROM cases c WHERE {condition} RETURNING c.*),
        audited AS (
            INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id, request_id, changes)
            SELECT {now}, {actor}, 'delete', 'case', d.id::text, {requestId}, {SqlFragment.Raw(Snapshot)}
            FROM deleted d ORDER BY d.slug)
        SELECT 0::bigint AS "Version", count(*)::int AS "Count", (array_agg(d.id ORDER BY d.slug))[1:{FirstIds}] AS "FirstIds"
        FROM deleted d
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

    internal sealed record PreviewRow(long Version, int Count, Guid[]? FirstIds);

    /// <summary>A dry run's token: the filter it previewed and the store version it previewed it at.</summary>
    internal sealed record BulkDeleteToken(string Filter, long Version);
}
