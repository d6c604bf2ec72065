using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;

namespace CaseApi.Infrastructure.Http;

/// <summary>
/// The fixed windows the rate limiter spends, kept where the response can read them: the RateLimit and RateLimit-Policy
/// fields of the IETF HTTPAPI draft "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers) need each
/// window's remaining permits and the seconds until it resets, and ASP.NET Core's limiter keeps its partitions to
/// itself. The limiter still owns and disposes every window; this only remembers the newest one per partition and when
/// it opened (its timer replenishes it every window from then on).
/// </summary>
public sealed class RateLimitBudgets
{
    /// <summary>The policy every request spends (per key, or per address without a valid key).</summary>
    public const string Default = "default";

    /// <summary>The policy bulk endpoints spend as well (<see cref="RateLimitPolicies.Bulk"/>).</summary>
    public const string Bulk = "bulk";

    // Dropped partitions leave a disposed window behind; past this many, opening a window sweeps them out.
    private const int SweepAbove = 4096;

    private readonly ConcurrentDictionary<(string Policy, string Partition), Window> windows = new();

    private sealed record Window(FixedWindowRateLimiter Limiter, long OpenedAt, TimeSpan Length);

    /// <summary>Opens a window for the limiter (called by its partition factory) and remembers it.</summary>
    public FixedWindowRateLimiter Open(string policy, string partition, int permits, TimeSpan length)
    {
        if (windows.Count > SweepAbove)
        {
            foreach (var (key, window) in windows)
            {
                if (Remaining(window) is null) windows.TryRemove(new KeyValuePair<(string, string), Window>(key, window));
            }
        }
        var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = length, QueueLimit = 0, AutoReplenishment = true,
        });
        windows[(policy, partition)] = new Window(limiter, Stopwatch.GetTimestamp(), length);
        return limiter;
    }

    /// <summary>
    /// The RateLimit field's item for a policy and partition (<c>"bulk";r=12;t=41</c>): the permits left in the current
    /// window and the seconds until it resets; null when no window of it is open.
    /// </summary>
    public string? Field(string policy, string partition)
    {
        if (!windows.TryGetValue((policy, partition), out var window) || Remaining(window) is not { } remaining) return null;
        var elapsed = Stopwatch.GetElapsedTime(window.OpenedAt).Ticks % window.Length.Ticks;
        var reset = (int)Math.Ceiling(TimeSpan.FromTicks(window.Length.Ticks - elapsed).TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";r={remaining};t={reset}");
    }

    /// <summary>The RateLimit-Policy field's item of a policy: its quota and its window in seconds.</summary>
    public static string PolicyField(string policy, int permits, TimeSpan window) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";q={permits};w={(int)window.TotalSeconds}");

    private static long? Remaining(Window window)
    {
        try
        {
            return window.Limiter.GetStatistics()?.CurrentAvailablePermits;
        }
        catch (ObjectDisposedException)
        {
            // The limiter dropped an idle partition; its next request opens a fresh window.
            return null;
        }
    }
}
