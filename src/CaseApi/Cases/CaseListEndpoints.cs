using System.Collections.Frozen;
using System.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Interop.Stix;
using CaseApi.ReferenceData;
using CaseApi.Store;
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
        cases.MapGet("/", ListCases).WithName(nameof(ListCases)).RequireRateLimiting(RateLimitPolicies.Bulk)
            .ReadsStore<CaseFilter, CaseListQuery>(StoreRead.Cases, cached: true).AddOpenApiOperationTransformer(CaseExportColumns.DescribeListAsync);
        // A literal segment outranks the {idOrSlug} parameter of CaseEndpoints, so /export never reads as a slug.
        cases.MapGet("/export", ExportCases).WithName(nameof(ExportCases)).RequireRateLimiting(RateLimitPolicies.Bulk)
            .ReadsStore<CaseFilter, CaseExportQuery>(StoreRead.Cases)
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status406NotAcceptable)
            .AddOpenApiOperationTransformer(CaseExportQuery.DescribeResponseAsync);
        return cases;
    }

    /// <summary>List cases: filtered, sorted, keyset-paged.</summary>
    /// <remarks>
    /// Follow nextCursor (or the Link rel="next" header) until it is null. Pages are stable: cases inserted while a
    /// client pages never make it skip or repeat a case. Repeat a filter to OR its values; different filters AND.
    /// By default total is exact for small results and the planner's estimate for large ones (see count).
    /// </remarks>
    private static async Task<Results<Ok<PagedResponse<CaseResponse>>, JsonHttpResult<PagedResponse<CaseResponse>>, ValidationProblem>> ListCases(
        [AsParameters] CaseFilter filter, [AsParameters] CaseListQuery query, StoreSnapshot snapshot, HttpContext http, IOptions<JsonOptions> json,
        CancellationToken ct)
    {
        var (db, scoped) = (snapshot.Db, filter.At(snapshot));
        // The validators have accepted the sort and the cursor.
        _ = CaseSort.TryParse(query.Sort, out var parsed);
        var sort = parsed!;
        _ = PageCursor.TryDecode<KeysetCursor>(query.Cursor, out var cursor);

        var after = cursor is null ? null : sort.After(cursor);
        var (rows, total) = query.Count == "exact"
            ? await ExactPageAsync(db, scoped, sort, after, query.PageSize, ct)
            : await PageBesideCountAsync(db, scoped, sort, after, query.PageSize, query.Count, ct);
        var page = KeysetPage.Create(rows, query.PageSize, total, sort.CursorAfter, http.Response);
        return CaseExportColumns.Names(query.Fields) is { } fields
            ? TypedResults.Json(page, CaseExportColumns.ListJson(json.Value.SerializerOptions, fields))
            : TypedResults.Ok(page);
    }

    /// <summary>
    /// The page, and beside it on a second connection of the same pool the total its count mode asks for (see ListCount):
    /// an estimate or a capped count costs little next to the page, so the two take about as long as the page.
    /// </summary>
    private static async Task<(List<CaseResponse> Rows, PageTotal Total)> PageBesideCountAsync(
        CaseDbContext db, CaseFilter filter, CaseSort sort, SqlFragment? after, int pageSize, string? count, CancellationToken ct)
    {
        var counting = ListCount.CountAsync(db.Database, filter.SelectSql(), count, ct);
        var paging = PageQuery(db, filter, sort, after, pageSize).ToListAsync(ct);
        await Task.WhenAll(counting, paging);
        return (paging.Result, counting.Result);
    }

    /// <summary>
    /// count=exact: the page's ids and the total from one reading of the matches (ListCount.PageWithTotalSql), then those
    /// rows by id. An exact count reads every match, and so does the page (its order is a sort, not an index walk), so
    /// two statements read them twice: at 1,000,000 cases that was 1.1x the hand-written page plus count even with the
    /// two side by side (docs/performance.md). Both statements share one snapshot, so a case deleted or re-dated in
    /// between can neither shorten the page (which would end the client's paging early) nor move it.
    /// </summary>
    private static async Task<(List<CaseResponse> Rows, PageTotal Total)> ExactPageAsync(
        CaseDbContext db, CaseFilter filter, CaseSort sort, SqlFragment? after, int pageSize, CancellationToken ct)
    {
        await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var picked = await db.Database.Query<PickedRow>(
            ListCount.PageWithTotalSql(filter.SelectSql(), sort.Column, sort.OrderSql(), after, pageSize + 1)).ToListAsync(ct);
        if (picked.Count == 0)
        {
            // Nothing after the cursor says nothing about the matches before it.
            return ([], after is null ? PageTotal.Exact(0) : await ListCount.CountAsync(db.Database, filter.SelectSql(), "exact", ct));
        }
        Guid[] ids = [.. picked.Select(p => p.Id)];
        var rows = await PageQuery(db, filter, sort, SqlFragment.Of($"c.id = ANY({ids})"), pageSize).ToListAsync(ct);
        return (rows, PageTotal.Exact(picked[0].Total));
    }

    private sealed record PickedRow(Guid Id, long Total);

    /// <summary>
    /// One page in list order, plus one row that only tells whether another page exists; <c>after</c> is the keyset
    /// position (CaseSort.After) or any other condition that narrows the matches.
    /// </summary>
    internal static IQueryable<CaseResponse> PageQuery(CaseDbContext db, CaseFilter filter, CaseSort sort, SqlFragment? after, int pageSize) =>
        sort.Order(filter.Apply(db, after)).Take(pageSize + 1).Select(CaseReads.Projection(filter.View));

    /// <summary>
    /// Export every case matching the list filters as CSV, NDJSON, a JSON array, an .xlsx sheet, Parquet or a STIX 2.1 bundle, streamed.
    /// </summary>
    /// <remarks>
    /// format=csv (default) uses the import columns plus the id and derived fields, so an export re-imports as unchanged; ndjson writes one
    /// case object a line; json one array; xlsx one sheet of typed cells under a frozen header, which re-imports too; parquet typed
    /// columns for notebooks; stix one STIX 2.1 bundle (a report per case, docs/guides/stix.md). fields= picks the columns.
    /// Rows stream from the database as they arrive, ordered by slug.
    /// </remarks>
    private static Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult> ExportCases(
        [AsParameters] CaseFilter filter, [AsParameters] CaseExportQuery query, StoreSnapshot snapshot, TimeProvider time,
        IOptions<JsonOptions> json, ReferenceCodes codes, HttpContext http, CancellationToken ct)
    {
        var db = snapshot.Db;
        filter = filter.At(snapshot);
        // The validator has accepted format=; without it, Accept chooses.
        if (ContentNegotiation.Choose(http.Request, query.Format, CaseExportQuery.Offers) is not { } format)
        {
            return ContentNegotiation.NotAcceptable(CaseExportQuery.Offers);
        }
        var type = CaseExportQuery.Formats[format];
        // No ToList: EF streams a no-tracking query row by row from the open data reader.
        var cases = filter.Apply(db).OrderBy(c => c.Slug).Select(CaseReads.Projection(filter.View)).AsAsyncEnumerable();
        var options = json.Value.SerializerOptions;
        // An as-of export is the same file whenever it is made, so its name says which state of the store it holds.
        var fileName = filter.View.Position is { } position
            ? $"cases-as-of-{position}.{type.Extension}"
            : $"cases-{time.GetUtcNow():yyyyMMdd}.{type.Extension}";
        if (format == "stix") return TypedResults.Stream(body => StixExport.WriteAsync(body, db, filter, ct), type.ContentType, fileName);
        CaseExportWriter.SponsorsReader sponsors = filter.View.Position is null
            ? async c => (await codes.GetAsync(c)).Sponsors
            : async c => (await filter.View.Rows(db.Sponsors, "sponsors").ToListAsync(c)).ToFrozenDictionary(s => s.Code, StringComparer.Ordinal);
        CaseExportWriter.EntityIdsOpener entityIds = async c => new CaseEntityIdsReader(await db.Database.OpenBesideAsync(c), filter.View);
        return TypedResults.Stream(
            body => CaseExportWriter.WriteAsync(body, format, cases, query.Fields, sponsors, entityIds, options, ct), type.ContentType, fileName);
    }
}
