using System.Data.Common;
using System.Text.Json;
using CaseApi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CaseApi.Infrastructure.Paging;

/// <summary>
/// The <c>total</c> of a large list, as exact as its <c>count</c> mode asks and no costlier. An exact count reads every
/// match, which at a million cases is most of a page's time; so by default the planner's estimate is asked first
/// (planning only, no rows read), and only a list it expects to be small is counted, with a cap, which stays cheap even
/// when the estimate was wrong.
/// </summary>
public static class ListCount
{
    /// <summary>The default counts exactly up to this many matches; past it, the total is an estimate or a lower bound.</summary>
    public const int ExactUpTo = 1_000;

    /// <summary>The count of <paramref name="matching"/> (a SELECT of the matching rows) for a <c>count</c> parameter.</summary>
    public static async Task<PageTotal> CountAsync(
        DatabaseFacade database, SqlFragment matching, string? mode, CancellationToken ct, int exactUpTo = ExactUpTo)
    {
        switch (mode)
        {
            case "none":
                return PageTotal.None;
            case "exact":
                return PageTotal.Exact(await CountRowsAsync(database, matching, limit: null, ct));
            case "estimate":
                return PageTotal.Estimate(await EstimateAsync(database, matching, ct));
        }
        var estimate = await EstimateAsync(database, matching, ct);
        if (estimate > exactUpTo) return PageTotal.Estimate(estimate);
        // The planner expects few rows; count them, but never past the cap, in case it expected wrong.
        var counted = await CountRowsAsync(database, matching, exactUpTo + 1, ct);
        return counted > exactUpTo ? PageTotal.AtLeast(exactUpTo) : PageTotal.Exact(counted);
    }

    /// <summary>The statement that counts, pinned in tests: a LIMIT inside lets the scan stop at the cap.</summary>
    public static SqlFragment CountSql(SqlFragment matching, long? limit) => limit is { } cap
        ? SqlFragment.Of($"SELECT count(*) AS total FROM ({matching} LIMIT {cap}) AS m")
        : SqlFragment.Of($"SELECT count(*) AS total FROM ({matching}) AS m");

    private static async Task<long> CountRowsAsync(DatabaseFacade database, SqlFragment matching, long? limit, CancellationToken ct) =>
        (await database.SqlQuery<CountRow>(CountSql(matching, limit)).SingleAsync(ct)).Total;

    /// <summary>The planner's row estimate of the statement: EXPLAIN plans it with the values bound but reads no rows.</summary>
    private static async Task<long> EstimateAsync(DatabaseFacade database, SqlFragment matching, CancellationToken ct)
    {
        var (sql, parameters) = SqlFragment.Of($"EXPLAIN (FORMAT JSON) {matching}").Render();
        var connection = database.GetDbConnection();
        await database.OpenConnectionAsync(ct);
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddRange(parameters);
            var plan = (string)(await command.ExecuteScalarAsync(ct))!;
            using var json = JsonDocument.Parse(plan);
            return (long)json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    internal sealed record CountRow(long Total);
}
