using System.Linq.Expressions;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Statistics.Coverage;

internal static class CoverageEndpoints
{
    public static IEndpointRouteBuilder MapCoverageEndpoints(this IEndpointRouteBuilder app)
    {
        var stats = app.MapGroup("/api/v1/stats").WithTags("Statistics").RequireAuthorization(Policies.Reader).RequireRateLimiting(RateLimitPolicies.Bulk);
        stats.MapGet("/coverage", GetCoverage).WithName(nameof(GetCoverage)).WithQuery<CaseFilter, CoverageQuery>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>Estimate how many cases no list has found (multiple systems estimation).</summary>
    /// <remarks>
    /// lists=a,b[,c…] names the source lists; the digits of each capture pattern follow that order. Methods undefined for
    /// the data answer estimate null with a note; 422 when none is defined.
    /// </remarks>
    private static async Task<Results<Ok<CoverageResponse>, ProblemHttpResult>> GetCoverage(
        [AsParameters] CaseFilter filter, [AsParameters] CoverageQuery query, ReadOnlyCaseDbContext db, CancellationToken ct)
    {
        // The population the lists are drawn from: the cases the list filters (q, sector, sponsor, …) select.
        var population = filter.Apply(db);

        var histories = await CountHistoriesAsync(population, query.Codes, ct);
        var estimates = CaptureRecapture.EstimateAll(histories);
        if (estimates.All(e => e.Estimate is null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "No estimator is defined for these capture histories.",
                detail: string.Join(" ", estimates.SelectMany(e => e.Notes.Select(n => $"{e.Method}: {n}"))));
        }

        return TypedResults.Ok(new CoverageResponse(histories.Lists, histories.Observed, histories.ByPattern(), estimates,
            estimates.ToDictionary(e => e.Method, e => e.Coverage), CaptureRecapture.Assumptions(histories, estimates)));
    }

    /// <summary>Runs <see cref="HistoryQuery"/> and fills in the patterns no case has.</summary>
    internal static async Task<CaptureHistories> CountHistoriesAsync(IQueryable<Case> population, IReadOnlyList<string> lists, CancellationToken ct)
    {
        var cells = new long[1 << lists.Count];
        await foreach (var (mask, count) in HistoryQuery(population, lists).AsAsyncEnumerable().WithCancellation(ct)) cells[mask] = count;
        return new CaptureHistories(lists, cells);
    }

    /// <summary>
    /// One SQL statement: for cases on at least one named list (listed_in &amp;&amp; lists, served by the GIN index), the capture
    /// pattern as an integer with one bit per list, counted per pattern. The pattern is built as an expression tree
    /// because the number of lists varies; each bit becomes a <c>listed_in @&gt; ARRAY['code']</c> test with the code inlined
    /// as an escaped literal (codes are validated against the source lists first), one cached plan per combination of lists.
    /// </summary>
    internal static IQueryable<PatternCount> HistoryQuery(IQueryable<Case> population, IReadOnlyList<string> lists)
    {
        var @case = Expression.Parameter(typeof(Case), "c");
        var listedIn = Expression.Property(@case, nameof(Case.ListedIn));
        var contains = typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2)
            .MakeGenericMethod(typeof(string));
        var pattern = lists
            .Select((code, i) => (Expression)Expression.Condition(
                Expression.Call(contains, listedIn, Expression.Constant(code)), Expression.Constant(1 << (lists.Count - 1 - i)), Expression.Constant(0)))
            .Aggregate(Expression.Add);

        var codes = lists.ToArray();
        return population
            .Where(c => c.ListedIn.Any(l => codes.Contains(l)))
            .GroupBy(Expression.Lambda<Func<Case, int>>(pattern, @case))
            .Select(g => new PatternCount(g.Key, g.LongCount()));
    }
}
