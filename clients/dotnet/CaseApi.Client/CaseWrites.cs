using CaseApi.Client.Api.V1.Cases.Item;
using CaseApi.Client.Models;

namespace CaseApi.Client;

/// <summary>
/// Optimistic concurrency for case writes: every write needs If-Match, and a stale one is a 412. Hand-written because
/// "read, change, write with the read's ETag, and on a 412 start again from a fresh read" spans three operations.
/// </summary>
public static class CaseWrites
{
    /// <summary>Reads a case with its ETag (the If-Match of the next write).</summary>
    /// <param name="item"><c>client.Api.V1.Cases[idOrSlug]</c>.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static async Task<(CaseResponse Case, string ETag)> GetWithETagAsync(this CasesItemRequestBuilder item,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var headers = new ResponseHeaders();
        var found = await item.GetAsync(c => c.Options.Add(headers.Option), cancellationToken)
            ?? throw new InvalidOperationException("GET answered without a case.");
        return (found, headers["ETag"] ?? throw new InvalidOperationException("GET answered without an ETag."));
    }

    /// <summary>
    /// Reads the case, asks <paramref name="change"/> for a JSON Merge Patch from that version, and sends it with the
    /// version's ETag as If-Match. When someone else wrote in between (412), it reads the case again and asks again, up to
    /// <paramref name="attempts"/> times, so the change is always made to the version it was computed from.
    /// </summary>
    /// <param name="item"><c>client.Api.V1.Cases[idOrSlug]</c>.</param>
    /// <param name="change">The members to change, computed from the current case (null removes an optional member).</param>
    /// <param name="attempts">How many times to read and write before a 412 is thrown to the caller.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static async Task<CaseResponse> UpdateAsync(this CasesItemRequestBuilder item,
        Func<CaseResponse, IDictionary<string, object?>> change, int attempts = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var (current, etag) = await item.GetWithETagAsync(cancellationToken);
            var patch = new CasesPatchRequestBody { AdditionalData = change(current)! };
            try
            {
                return await item.PatchAsync(patch, c => c.Headers.Add("If-Match", etag), cancellationToken)
                    ?? throw new InvalidOperationException("PATCH answered without a case.");
            }
            catch (Problem conflict) when (conflict.ResponseStatusCode == 412 && attempt < attempts)
            {
                // Someone else changed the case since our read: compute the change again from their version.
            }
        }
    }
}
