using System.Runtime.CompilerServices;
using CaseApi.Client.Api.V1.Cases;
using CaseApi.Client.Models;

namespace CaseApi.Client;

/// <summary>
/// Every item of a paged list as one sequence. Hand-written because a contract describes one request: that a page's
/// nextCursor is the next request's cursor, until it is null, is a convention no generator turns into a loop.
/// </summary>
public static class Paging
{
    /// <summary>Follows <c>nextCursor</c> from the first page until it is null, yielding each page's items in order.</summary>
    /// <param name="fetch">Gets the page after a cursor (null: the first page).</param>
    /// <param name="items">The page's items.</param>
    /// <param name="next">The page's nextCursor; null on the last page.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static async IAsyncEnumerable<TItem> AllAsync<TPage, TItem>(Func<string?, CancellationToken, Task<TPage?>> fetch,
        Func<TPage, IEnumerable<TItem>?> items, Func<TPage, string?> next, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TPage : class
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(next);
        string? cursor = null;
        do
        {
            var page = await fetch(cursor, cancellationToken) ?? throw new InvalidOperationException("A page came back empty.");
            foreach (var item in items(page) ?? []) yield return item;
            cursor = next(page);
        }
        while (cursor is not null);
    }

    /// <summary>Every case <c>GET /cases</c> lists with these filters, page after page.</summary>
    /// <param name="cases"><c>client.Api.V1.Cases</c>.</param>
    /// <param name="query">Filters, sort, <c>limit</c> (the page size) and <c>fields</c>; the cursor is set here.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static IAsyncEnumerable<CaseFields> ListAllAsync(this CasesRequestBuilder cases,
        Action<CasesRequestBuilder.CasesRequestBuilderGetQueryParameters>? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return AllAsync((cursor, ct) => cases.GetAsync(c =>
        {
            query?.Invoke(c.QueryParameters);
            c.QueryParameters.Cursor = cursor;
        }, ct), page => page.Items, page => page.NextCursor, cancellationToken);
    }
}
