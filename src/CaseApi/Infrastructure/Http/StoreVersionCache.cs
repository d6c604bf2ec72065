using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using CaseApi.Store;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CaseApi.Infrastructure.Http;

public sealed class ResponseCacheOptions
{
    public const string Section = "ResponseCache";

    /// <summary>The most memory the cached statistics and list responses may hold, counted in response bytes. 0 turns the cache off.</summary>
    [Range(0, 1024)]
    public int Megabytes { get; set; } = 32;
}

/// <summary>
/// Statistics and list pages computed once per state of the store: a 200 is kept under its store-version ETag (version
/// plus the normalised request), so the next identical question at the same version is answered from memory. A commit
/// advances the version, so no later request can reach an entry computed before it: a read that starts after a write
/// committed reads a newer version first and misses; and by the store's one cache rule (StoreChanges), answers about the
/// current store are dropped as soon as any commit is heard, so memory holds no answer nobody can reach. Answers as of a
/// fixed position or release never change and stay until the byte budget needs their room. Entries are the serialised
/// bodies, so their size is exact and the cache stays within its byte budget (least recently used entries go first).
/// Concurrent misses for the same answer are computed once. The answer says which in RFC 9211's Cache-Status header.
/// </summary>
public sealed class StoreVersionCache : IDisposable
{
    private const string CacheName = "CaseApi";

    private readonly MemoryCache entries;
    private readonly bool enabled;
    private readonly ConcurrentDictionary<string, Task<Entry?>> computing = new(StringComparer.Ordinal);
    private CancellationTokenSource currentStore = new();

    public StoreVersionCache(IOptions<ResponseCacheOptions> options, StoreChanges changes)
    {
        entries = new(new MemoryCacheOptions { SizeLimit = Math.Max(1L, options.Value.Megabytes) << 20 });
        enabled = options.Value.Megabytes > 0;
        changes.Changed += _ =>
        {
            using var answered = Interlocked.Exchange(ref currentStore, new CancellationTokenSource());
            answered.Cancel();
        };
    }

    private sealed record Entry(int StatusCode, KeyValuePair<string, string?[]>[] Headers, byte[] Body);

    private sealed record Replay(Entry Entry, string CacheStatus) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = Entry.StatusCode;
            foreach (var (name, values) in Entry.Headers) http.Response.Headers[name] = values;
            http.Response.Headers["Cache-Status"] = CacheStatus;
            http.Response.ContentLength = Entry.Body.Length;
            return http.Response.Body.WriteAsync(Entry.Body, http.RequestAborted).AsTask();
        }
    }

    /// <summary>
    /// The answer kept under <paramref name="tag"/> (the store-version ETag of the request), or the handler's, kept for the
    /// next request when it is a 200. <paramref name="fixedPoint"/>: the answer is as of a position and never changes.
    /// </summary>
    internal async ValueTask<object?> AnswerAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string tag, bool fixedPoint)
    {
        var http = context.HttpContext;
        if (!enabled) return await next(context);
        if (entries.TryGetValue(tag, out Entry? cached)) return new Replay(cached!, $"{CacheName}; hit");

        // After a commit every polling dashboard misses at once: requests for an answer already being computed wait for
        // it (RFC 9211's "collapsed") instead of computing it again, so the store does the work once per question.
        var mine = new TaskCompletionSource<Entry?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = computing.GetOrAdd(tag, mine.Task);
        if (running != mine.Task)
        {
            // That computation failed or was not a 200: this request answers on its own.
            return await running.WaitAsync(http.RequestAborted) is { } shared
                ? new Replay(shared, $"{CacheName}; fwd=miss; collapsed")
                : await next(context);
        }
        Entry? entry = null;
        try
        {
            (var result, entry) = await ComputeAsync(context, next);
            if (entry is null) return result;
            var kept = new MemoryCacheEntryOptions { Size = entry.Body.Length + 256 };
            if (!fixedPoint) kept.ExpirationTokens.Add(new CancellationChangeToken(currentStore.Token));
            entries.Set(tag, entry, kept);
            return new Replay(entry, $"{CacheName}; fwd=miss; stored");
        }
        finally
        {
            // Stored first, then released: a request arriving in between finds the entry.
            computing.TryRemove(KeyValuePair.Create(tag, mine.Task));
            mine.SetResult(entry);
        }
    }

    /// <summary>
    /// Runs the handler; a 200 (a ContentHttpResult without a status is one) is serialised into an entry, anything else
    /// (a problem) goes out as it is and is not kept.
    /// </summary>
    private static async Task<(object? Result, Entry? Entry)> ComputeAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // Headers the handler sets on the response itself (a list's Link) belong to the answer; those set before it
        // (the request id, rate-limit state) belong to this request only.
        var before = http.Response.Headers.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is not IStatusCodeHttpResult { StatusCode: null or StatusCodes.Status200OK } || inner is not IResult answer)
        {
            return (result, null);
        }
        // Serialise once into memory with the same services, then keep the bytes and headers.
        var buffer = new DefaultHttpContext { RequestServices = http.RequestServices, TraceIdentifier = http.TraceIdentifier };
        using var body = new MemoryStream();
        buffer.Response.Body = body;
        await answer.ExecuteAsync(buffer);
        var headers = http.Response.Headers.Where(h => !before.Contains(h.Key)).Concat(buffer.Response.Headers);
        KeyValuePair<string, string?[]>[] kept = [.. headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))];
        return (result, new Entry(buffer.Response.StatusCode, kept, body.ToArray()));
    }

    /// <summary>
    /// Forgets every entry. Versions only grow in a running store, so the service never needs it; tests that empty the
    /// store and restart its clock do, or a version number they reuse would find the answer cached for the old data.
    /// </summary>
    public void Clear() => entries.Clear();

    public void Dispose()
    {
        entries.Dispose();
        currentStore.Dispose();
    }
}

public static class StoreVersionCacheSetup
{
    public static IServiceCollection AddStoreVersionCache(this IServiceCollection services)
    {
        services.AddOptions<ResponseCacheOptions>().BindConfiguration(ResponseCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<StoreVersionCache>();
    }
}
