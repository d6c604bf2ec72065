using System.Collections.Concurrent;
using System.Reflection;
using CaseApi.Infrastructure.Validation;
using NpgsqlTypes;

namespace CaseApi.Store;

/// <summary>
/// Read-your-writes across the standby. Every successful write answers with X-Consistency-Token, a WAL position of
/// the primary at or after the write's commit; a read that sends it back (that header, or consistency= in the query)
/// is served by the standby only once the standby has replayed that far, else by the primary. Without a standby
/// (no ConnectionStrings:CasesReadOnly) every read is the primary's and no token is needed or sent.
/// </summary>
public static class ConsistentReads
{
    public const string HeaderName = "X-Consistency-Token";
    public const string QueryParameter = "consistency";

    private static readonly ConcurrentDictionary<MethodInfo, bool> ReadsStandbyByHandler = new();

    /// <summary>Whether an endpoint's handler reads through <see cref="ReadOnlyCaseDbContext"/>, the store a standby may serve.</summary>
    public static bool ReadsStandby(MethodInfo? handler) => handler is not null && ReadsStandbyByHandler.GetOrAdd(handler,
        h => h.GetParameters().Any(p => p.ParameterType == typeof(ReadOnlyCaseDbContext)));

    public static IApplicationBuilder UseConsistentReads(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var router = http.RequestServices.GetService<ReadRouter>();
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            if (!TryReadToken(http.Request, out var token))
            {
                await ValidationExtensions.InvalidRequest(new Dictionary<string, string[]>
                {
                    [QueryParameter] = [$"A consistency token is the {HeaderName} header of a write's response, e.g. 0/16B3740."],
                }, "The consistency token is not valid.").ExecuteAsync(http);
                return;
            }
            if (router is not null && ReadsStandby(http.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>()))
            {
                http.RequestServices.GetRequiredService<ReadRoute>().Standby = await router.ChooseStandbyAsync(token, http.RequestAborted);
            }
        }
        else if (router is not null)
        {
            http.Response.OnStarting(() => AddTokenAsync(http, router));
        }
        await next(http);
    });

    private static bool TryReadToken(HttpRequest request, out NpgsqlLogSequenceNumber? token)
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

/// <summary>The read route chosen for this request: the standby, or (the default, never stale) the primary.</summary>
internal sealed class ReadRoute
{
    public bool Standby { get; set; }
}
