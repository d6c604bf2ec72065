using NpgsqlTypes;

namespace CaseApi.Store;

/// <summary>
/// Read-your-writes across the standby. Every successful write answers with X-Consistency-Token, a WAL position of
/// the primary at or after the write's commit; a read that sends it back (that header, or consistency= in the query)
/// is served by the standby only once the standby has replayed that far, else by the primary (StoreSnapshots routes
/// it). Without a standby (no ConnectionStrings:CasesReadOnly) every read is the primary's and no token is needed or sent.
/// </summary>
public static class ConsistentReads
{
    public const string HeaderName = "X-Consistency-Token";
    public const string QueryParameter = "consistency";

    /// <summary>Adds the token to every successful write's response.</summary>
    public static IApplicationBuilder UseConsistentReads(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && http.RequestServices.GetService<ReadRouter>() is { } router)
        {
            http.Response.OnStarting(() => AddTokenAsync(http, router));
        }
        await next(http);
    });

    /// <summary>The token a read sends (header first, then the query), null when it sends none; false when it is not one.</summary>
    public static bool TryReadToken(HttpRequest request, out NpgsqlLogSequenceNumber? token)
    {
        token = null;
        var given = request.Headers[HeaderName] is { Count: > 0 } header ? header.ToString() : request.Query[QueryParameter].ToString();
        if (string.IsNullOrEmpty(given)) return true;
        if (!NpgsqlLogSequenceNumber.TryParse(given.Trim(), out var lsn)) return false;
        token = lsn;
        return true;
    }

    /// <summary>
    /// Runs as the response starts, after the handler's commit. A write whose token cannot be read (the primary went
    /// away in between) still answers; the client then simply has no token, and its reads may be stale by the lag bound.
    /// </summary>
    private static async Task AddTokenAsync(HttpContext http, ReadRouter router)
    {
        if (http.Response.StatusCode is < 200 or >= 300) return;
        try
        {
            http.Response.Headers[HeaderName] = (await router.PrimaryPositionAsync(http.RequestAborted)).ToString();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
        {
            http.RequestServices.GetRequiredService<ILogger<ReadRouter>>().LogWarning("No consistency token for this write: {Reason}", e.Message);
        }
    }
}
