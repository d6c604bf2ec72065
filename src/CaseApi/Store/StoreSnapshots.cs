using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using NpgsqlTypes;

namespace CaseApi.Store;

/// <summary>Why a read point cannot be resolved: an unknown release (404), or a point the store has not reached (400 on asOf).</summary>
public sealed record ReadRefusal(bool NotFound, string Message);

/// <summary>
/// Resolves a request's <see cref="StoreSnapshot"/> once: routes it (primary, or the standby when the declared route
/// allows and the standby is fresh enough for the client's consistency token), resolves asOf or release against the
/// history, and reads the store version when the answer depends on the whole store. Scoped: it disposes the standby
/// contexts it hands out when the request ends.
/// </summary>
internal sealed class StoreSnapshots(IServiceProvider services, ReadRouter? router = null, StandbyStore? standby = null) : IAsyncDisposable
{
    private readonly List<CaseDbContext> owned = [];

    /// <summary>The snapshot, or why there is none. The parameters have passed their validators.</summary>
    public async Task<(StoreSnapshot? Snapshot, ReadRefusal? Refusal)> ResolveAsync(
        StoreRead read, StringValues asOf, StringValues release, NpgsqlLogSequenceNumber? token, CancellationToken ct)
    {
        var past = read.HistoryViews && ReadPoints.ReadsThePast(asOf, release);
        var db = await RouteAsync(read.Route, read.IsBulk(past), token, ct);
        if (!past)
        {
            var version = read.StoreWide ? await StoreVersion.ReadAsync(db, ct) : (long?)null;
            return (StoreSnapshot.Of(StoreView.Current, null, version, db), null);
        }
        if (asOf.Count > 1 || release.Count > 1) return Invalid("Give one asOf or one release.");
        if (release.ToString() is { Length: > 0 } name)
        {
            var released = await db.Database.Query<ReleasePoint>(SqlFragment.Of($"""
                SELECT r.position, m.position IS NOT NULL AS mapped FROM releases r LEFT JOIN release_maps m ON m.position = r.position
                WHERE r.name = {name}
                """)).ToListAsync(ct);
            return released is [var at]
                ? (StoreSnapshot.Of(StoreView.Release(at.Position, at.Mapped), name, null, db), null)
                : (null, new ReadRefusal(NotFound: true, $"No release is named '{name}'; see GET /api/v1/releases."));
        }

        var text = asOf.ToString();
        if (!ReadPoints.TryParseAsOf(text, out var position, out var time)) return Invalid($"'{text}' is not a history position or time.");
        var current = await StoreVersion.ReadAsync(db, ct);
        if (position is { } p)
        {
            return p <= current ? (StoreSnapshot.Of(StoreView.AsOf(p), null, null, db), null)
                : Invalid($"Position {p} is beyond the store's current version {current}: the answer would change as the store grows.");
        }
        // The last commit at or before the time; a time to come would give an answer that still changes.
        if (time > DateTimeOffset.UtcNow) return Invalid($"{text} is in the future: the answer would change as the store grows.");
        var commits = await db.Database.Query<long>(SqlFragment.Of($"""
            SELECT position AS "Value" FROM history_commits WHERE committed_at <= {time!.Value.ToUniversalTime()} AND position IS NOT NULL
            ORDER BY position DESC LIMIT 1
            """)).ToListAsync(ct);
        return commits is [var last]
            ? (StoreSnapshot.Of(StoreView.AsOf(last), null, null, db), null)
            : Invalid($"{text} is before the history's first commit; GET /api/v1/changes shows where it begins.");
    }

    private sealed record ReleasePoint(long Position, bool Mapped);

    private static (StoreSnapshot?, ReadRefusal?) Invalid(string message) => (null, new ReadRefusal(NotFound: false, message));

    private async Task<CaseDbContext> RouteAsync(StoreRoute route, bool bulk, NpgsqlLogSequenceNumber? token, CancellationToken ct)
    {
        // A read of the past on the primary (GET /cases/{id}?asOf=) keeps the primary, which has every position it may
        // name, but in the bulk pool: resolving a time and rebuilding rows must not take the point reads' connections.
        if (route == StoreRoute.Primary)
        {
            return bulk ? services.GetRequiredService<ReadOnlyCaseDbContext>() : services.GetRequiredService<CaseDbContext>();
        }
        if (router is null || standby is null || !await router.ChooseStandbyAsync(token, ct))
        {
            return services.GetRequiredService<ReadOnlyCaseDbContext>();
        }
        var context = standby.Create();
        owned.Add(context);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in owned) await context.DisposeAsync();
    }
}
