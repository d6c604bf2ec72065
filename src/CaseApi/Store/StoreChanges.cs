using System.Collections.Concurrent;
using CaseApi.Infrastructure.OpenApi;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Store;

/// <summary>
/// The store's change notifications, heard on one connection, and the one rule every cache of the service follows:
/// a cached value is good while no commit has been announced, since it was read, for the kinds of entity it was read
/// from — and, while changes are not being heard, only as long as the cache says it may be stale (API keys: not at all,
/// so a revocation always holds; reference codes: seconds). The history announces each writing transaction as it commits on the channel
/// <see cref="Channel"/> ("position entity,entity…", migration StoreHistory), so a revocation or a new sector written
/// through any replica reaches every replica's caches within milliseconds of its commit. While the connection is down
/// every stamp taken before the loss stops being current.
/// </summary>
/// <remarks>
/// A cache takes a <see cref="Stamp"/> before it reads and keeps what it read only if <see cref="IsCurrent"/> still holds
/// after: a value read just before a change committed is then never kept once the change is heard.
/// </remarks>
public sealed class StoreChanges(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger<StoreChanges> logger)
    : BackgroundService
{
    public const string Channel = "history";

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    // One counter per entity kind heard, and one for the connection itself (lost, or back: everything may have changed).
    private readonly ConcurrentDictionary<string, long> heard = new(StringComparer.Ordinal);
    private long connections;
    private volatile bool listening;

    /// <summary>What a cache remembers of the store's changes when it starts a read.</summary>
    public readonly record struct ChangeStamp(long Connection, long Kinds, long TakenAt);

    /// <summary>Raised after a commit touching these entity kinds is heard (or everything, on reconnecting: null).</summary>
    public event Action<IReadOnlySet<string>?>? Changed;

    /// <summary>Whether changes are being heard; caches keep nothing while they are not.</summary>
    public bool IsListening => listening;

    /// <summary>The state of the changes to <paramref name="kinds"/>, taken before reading them.</summary>
    public ChangeStamp Stamp(IReadOnlyCollection<string> kinds) =>
        new(Interlocked.Read(ref connections), kinds.Sum(k => heard.GetValueOrDefault(k)), time.GetTimestamp());

    /// <summary>
    /// True when no change to <paramref name="kinds"/> was announced since the stamp was taken, and changes are being heard
    /// or the stamp is younger than <paramref name="staleWhileDeaf"/>.
    /// </summary>
    public bool IsCurrent(ChangeStamp stamp, IReadOnlyCollection<string> kinds, TimeSpan staleWhileDeaf = default)
    {
        var now = Stamp(kinds);
        return now.Connection == stamp.Connection && now.Kinds == stamp.Kinds
            && (listening || time.GetElapsedTime(stamp.TakenAt) < staleWhileDeaf);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApiSetup.IsGeneratingDocument) return;
        // LISTEN needs a session of its own: behind a transaction-pooling PgBouncer, name the primary directly.
        var connectionString = configuration.GetConnectionString("CasesListen");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await using var scope = scopes.CreateAsyncScope();
            connectionString = scope.ServiceProvider.GetRequiredService<CaseDbContext>().Database.GetConnectionString()!;
        }
        // Keepalives notice a silently dropped connection; until it is back, the caches read afresh.
        var listen = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 10, ApplicationName = "caseapi-listener" };
        // Named, so that metrics show this name and not the connection string.
        await using var source = new NpgsqlDataSourceBuilder(listen.ConnectionString) { Name = "caseapi-listener" }.Build();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = source.CreateConnection();
                session.Notification += (_, e) => Heard(e.Payload);
                await session.OpenAsync(stoppingToken);
                await session.ExecuteAsync(SqlFragment.Raw($"LISTEN {Channel}"), stoppingToken);
                // Whatever committed while nobody listened is read afresh.
                Reconnected(true);
                while (true) await session.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning("Not hearing the store's changes ({Reason}); caches read through until it reconnects", e.Message);
            }
            finally
            {
                Reconnected(false);
            }
            try
            {
                await Task.Delay(RetryAfter, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Heard(string payload)
    {
        HashSet<string> kinds = payload.Split(' ', 2) is [_, var names] ? [.. names.Split(',')] : [];
        foreach (var kind in kinds) heard.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Changed?.Invoke(kinds);
    }

    private void Reconnected(bool nowListening)
    {
        Interlocked.Increment(ref connections);
        listening = nowListening;
        Changed?.Invoke(null);
    }

    /// <summary>
    /// Announces a change made through this process, for a cache whose own write must be seen at once by the next
    /// request here (the notification from the database follows within milliseconds, and counts again).
    /// </summary>
    public void Announce(params string[] kinds) => Heard($"local {string.Join(',', kinds)}");
}
