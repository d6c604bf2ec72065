using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaseApi.History;

internal static class HistoryEndpoints
{
    public static RouteGroupBuilder MapHistoryEndpoints(this RouteGroupBuilder api)
    {
        var changes = api.MapGroup("/changes").WithTags("History").RequireAuthorization(Policies.Reader);
        changes.MapGet("/", ListChanges).WithName(nameof(ListChanges)).ReadsStore<ChangeFeedQuery>(StoreRead.Log)
            .Produces(StatusCodes.Status304NotModified);
        return api;
    }

    /// <summary>The change feed: every change to cases, reference data and the policy mapping, in commit order.</summary>
    /// <remarks>
    /// Start without after (or with the Feed-Position header of a list or export), then pass each page's nextCursor as after,
    /// now or much later: a change that committed before one you have seen is never still to come, so nothing is skipped.
    /// Each item shows the entity as the API does after the change; a case exactly as GET /cases/{id}?asOf={position}, with
    /// its ETag. A change to the policy mapping is followed by a realign item for each case whose alignment it changed.
    /// Deletes are tombstones with the id and slug. Apply items in order, keyed by entity and id, to keep a copy of the store.
    /// With wait=, an empty page waits up to that many seconds for a change; send the ETag of the last answer in
    /// If-None-Match and an unchanged answer is a 304.
    /// </remarks>
    private static async Task<Results<Ok<ChangeFeedResponse>, StatusCodeHttpResult>> ListChanges(
        [AsParameters] ChangeFeedQuery query, StoreSnapshot snapshot, StoreChanges changes, HttpContext http, IHostApplicationLifetime host,
        CancellationToken ct)
    {
        // A long poll ends when the service begins to stop, with what it has (an empty page), so that shutdown never waits on it.
        var page = await ChangeFeed.WaitForPageAsync(snapshot.Db, query, changes, host.ApplicationStopping, ct);
        var tag = ETags.ForAnswer(http.Request, page.NextCursor);
        http.Response.Headers.ETag = tag;
        return ETags.IsNotModified(http.Request, tag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(page);
    }
}
