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
        changes.MapGet("/", ListChanges).WithName(nameof(ListChanges)).ReadsStore<ChangeFeedQuery>(StoreRead.Log);
        return api;
    }

    /// <summary>The change feed: every change to cases, reference data and the policy mapping, in commit order.</summary>
    /// <remarks>
    /// Start without after, then pass each page's nextCursor as after, now or much later: a change that committed before one
    /// you have seen is never still to come, so nothing is skipped. Deletes are tombstones with the id and slug; case is the
    /// case after the change. Apply items in order, keyed by entity and id, to keep a copy of the store.
    /// </remarks>
    private static async Task<Ok<ChangeFeedResponse>> ListChanges(
        [AsParameters] ChangeFeedQuery query, StoreSnapshot snapshot, CancellationToken ct) =>
        TypedResults.Ok(await ChangeFeed.PageAsync(snapshot.Db, query, ct));
}
