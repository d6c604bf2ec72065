using System.Data.Common;
using System.Text.Json;
using CaseApi.Infrastructure.Paging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CaseApi.Store;

/// <summary>
/// The <c>total</c> of a large list, as exact as its <c>count</c> mode asks and no costlier. An exact count reads every
/// match, which at a million cases is most of a page's time; so by default the planner's estimate is asked first
/// (planning only, no rows read), and only a list it expects to be small is counted, with a cap, which stays cheap even
/// when the estimate was wrong.
/// </summary>
/// <remarks>
/// The count runs on a connection of its own, taken from the same pool as the context's (so within that pool's limit),
/// so a list can run it beside its page: an exact count reads as many rows as the page does, and on two connections the
/// two take about as long as the longer of them instead of their sum.
/// </remarks>
public static class ListCount
{
    /// <summary>The default counts exactly up to this many matches; past it, the total is an estimate or a lower bound.</summary>
    public const int ExactUpTo = 1_000;

    /// <summary>The count of <paramref name="matching"/> (a SELECT of the matching rows) for a <c>count</c> parameter.</summary>
    public static async Task<PageTotal> CountAsync(
        DatabaseFacade database, SqlFragment matching, string? mode, CancellationToken ct, int exactUpTo = ExactUpTo)
    {
        if (mode == "none") return PageTotal.None;
        // A clone shares the original's data source: the same pool, server and session settings.
        await using var connection = (DbConnection)((ICloneable)database.GetDbConnection()).Clone();
        await connection.OpenAsync(ct);
        switch (mode)
        {
            case "exact":
                return PageTotal.Exact(await connection.ScalarAsync<long>(CountSql(matching, limit: null), ct));
            case "estimate":
                return PageTotal.Estimate(await EstimateAsync(connection, matching, ct));
        }
        var estimate = await EstimateAsync(connection, matching, ct);
        if (estimate > exactUpTo) return PageTotal.Estimate(estimate);
        // The planner expects few rows; count them, but never past the cap, in case it expected wrong.
        var counted = await connection.ScalarAsync<long>(CountSql(matching, exactUpTo + 1), ct);
        return counted > exactUpTo ? PageTotal.AtLeast(exactUpTo) : PageTotal.Exact(counted);
    }

    /// <summary>The statement that counts, pinned in tests: a LIMIT inside lets the scan stop at the cap.</summary>
    public static SqlFragment CountSql(SqlFragment matching, long? limit) => limit is { } cap
        ? SqlFragment.Of($"SELECT count(*) AS total FROM ({matching} LIMIT {cap}) AS m")
        : SqlFragment.Of($"SELECT count(*) AS total FROM ({matching}) AS m");

    /// <summary>
    /// The ids of one page and the exact total, from one reading of the matches: <paramref name="matching"/> (a SELECT of
    /// the matching rows on the alias c) narrowed to the id and the sort key, counted by a window over all of them, and
    /// then cut to the <paramref name="take"/> rows after the keyset position in <paramref name="order"/>. A page and a
    /// count as two statements read every match twice; the window cannot be pushed past, so the total stays that of the
    /// whole filter while the page starts after the cursor. No row past the cursor, no total: the caller counts apart.
    /// </summary>
    public static SqlFragment PageWithTotalSql(SqlFragment matching, string keyColumn, SqlFragment order, SqlFragment? after, int take) =>
        SqlFragment.Of($"""
            SELECT c.id, c.total FROM (
                SELECT c.id, {SqlFragment.Raw($"c.{keyColumn}")}, count(*) OVER () AS total FROM ({matching}) AS c
            ) AS c
            WHERE {after ?? SqlFragment.Raw("TRUE")}
            ORDER BY {order}
            LIMIT {take}
            """);

    /// <summary>The planner's row estimate of the statement: EXPLAIN plans it with the values bound but reads no rows.</summary>
    private static async Task<long> EstimateAsync(DbConnection connection, SqlFragment matching, CancellationToken ct)
    {
        var plan = await connection.ScalarAsync<string>(SqlFragment.Of($"EXPLAIN (FORMAT JSON) {matching}"), ct);
        using var json = JsonDocument.Parse(plan);
        return (long)json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }
}
