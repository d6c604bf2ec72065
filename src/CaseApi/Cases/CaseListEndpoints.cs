using System.Collections.Frozen;
using CaseApi.History;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.ReferenceData;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Cases;

/// <summary>
/// The read side over many cases: the filtered, keyset-paged list and the streamed export. Reads go to the read-only store
/// when one is configured.
/// </summary>
internal static class CaseListEndpoints
{
    /// <summary>Maps onto the one /cases group; both reads are store-wide, so they carry the store-version ETag.</summary>
    public static RouteGroupBuilder MapCaseListEndpoints(this RouteGroupBuilder cases)
    {
        // Pages are kept per store version like statistics: a dashboard polling a first page reads it once per change.
        cases.MapGet("/", ListCases).WithName(nameof(ListCases)).RequireRateLimiting(RateLimitPolicies.Bulk).WithStoreVersionETag()
            .WithStoreVersionCache().WithQuery<CaseFilter, CaseListQuery>().WithAsOf();
        // A literal segment outranks the {idOrSlug} parameter of CaseEndpoints, so /export never reads as a slug.
        cases.MapGet("/export", ExportCases).WithName(nameof(ExportCases)).RequireRateLimiting(RateLimitPolicies.Bulk).WithStoreVersionETag()
            .WithQuery<CaseFilter, CaseExportQuery>().WithAsOf()
            .Produces(StatusCodes.Status200OK).AddOpenApiOperationTransformer(CaseExportQuery.DescribeResponseAsync);
        return cases;
    }

    /// <summary>List cases: filtered, sorted, keyset-paged.</summary>
    /// <remarks>
    /// Follow nextCursor (or the Link rel="next" header) until it is null. Pages are stable: cases inserted while a
    /// client pages never make it skip or repeat a case. Repeat a filter to OR its values; different filters AND.
    /// By default total is exact for small results and the planner's estimate for large ones (see count).
    /// </remarks>
    private static async Task<Results<Ok<PagedResponse<CaseResponse>>, JsonHttpResult<PagedResponse<CaseResponse>>, ValidationProblem>> ListCases(
        [AsParameters] CaseFilter filter, [AsParameters] CaseListQuery query, ReadOnlyCaseDbContext db, HttpContext http, IOptions<JsonOptions> json,
        CancellationToken ct)
    {
        // The validators have accepted the sort and the cursor.
        _ = CaseSort.TryParse(query.Sort, out var parsed);
        var sort = parsed!;
        _ = PageCursor.TryDecode<KeysetCursor>(query.Cursor, out var cursor);

        // The total is counted beside the page, on a second connection of the same pool (see ListCount).
        var counting = ListCount.CountAsync(db.Database, filter.SelectSql(), query.Count, ct);
        var paging = PageQuery(db, filter, sort, cursor, query.PageSize).ToListAsync(ct);
        await Task.WhenAll(counting, paging);
        var page = KeysetPage.Create(paging.Result, query.PageSize, counting.Result, sort.CursorAfter, http.Response);
        return CaseExportColumns.Names(query.Fields) is { } fields
            ? TypedResults.Json(page, CaseExportColumns.ListJson(json.Value.SerializerOptions, fields))
            : TypedResults.Ok(page);
    }

    /// <summary>One page in list order, plus one row that only tells whether another page exists.</summary>
    internal static IQueryable<CaseResponse> PageQuery(CaseDbContext db, CaseFilter filter, CaseSort sort, KeysetCursor? after, int pageSize) =>
        sort.Order(filter.Apply(db, after is null ? null : sort.After(after))).Take(pageSize + 1).Select(filter.View.Projection);

    /// <summary>Export every case matching the list filters as CSV, NDJSON, a JSON array, an .xlsx sheet or Parquet, streamed.</summary>
    /// <remarks>
    /// format=csv (default) uses the import columns plus the id and derived fields, so an export re-imports as unchanged; ndjson writes one
    /// case object a line; json one array; xlsx one sheet of typed cells under a frozen header, which re-imports too; parquet typed
    /// columns for notebooks. fields= picks the columns. Rows stream from the database as they arrive, ordered by slug.
    /// </remarks>
    private static Results<PushStreamHttpResult, ValidationProblem> ExportCases(
        [AsParameters] CaseFilter filter, [AsParameters] CaseExportQuery query, ReadOnlyCaseDbContext db, TimeProvider time,
        IOptions<JsonOptions> json, ReferenceCodes codes, CancellationToken ct)
    {
        // The validator has accepted the format.
        var format = query.FormatOrDefault;
        var type = CaseExportQuery.Formats[format];
        // No ToList: EF streams a no-tracking query row by row from the open data reader.
        var cases = filter.Apply(db).OrderBy(c => c.Slug).Select(filter.View.Projection).AsAsyncEnumerable();
        var options = json.Value.SerializerOptions;
        // An as-of export is the same file whenever it is made, so its name says which state of the store it holds.
        var fileName = filter.View.Position is { } position
            ? $"cases-as-of-{position}.{type.Extension}"
            : $"cases-{time.GetUtcNow():yyyyMMdd}.{type.Extension}";
        CaseExportWriter.SponsorsReader sponsors = filter.View.Position is null
            ? async c => (await codes.GetAsync(c)).Sponsors
            : async c => (await filter.View.Rows(db.Sponsors, "sponsors").ToListAsync(c)).ToFrozenDictionary(s => s.Code, StringComparer.Ordinal);
        return TypedResults.Stream(
            body => CaseExportWriter.WriteAsync(body, format, cases, query.Fields, sponsors, options, ct), type.ContentType, fileName);
    }
}
