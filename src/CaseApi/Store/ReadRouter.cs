using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CaseApi.Store;

/// <summary>
/// Decides, per read, whether the standby (ConnectionStrings:CasesReadOnly) or the primary serves it. A read with a
/// consistency token goes to the standby once the standby has replayed the token's WAL position (waiting a bounded
/// time), else to the primary; a read without one goes to the standby while it lags by at most
/// <see cref="ReadRoutingOptions.MaxLagSeconds"/>. A standby that is down, not replaying, or too far behind sends every
/// read to the primary. The standby's state is checked at most once per check interval, not per request.
/// </summary>
internal sealed class ReadRouter : IAsyncDisposable
{
    public const string MeterName = "CaseApi";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly NpgsqlDataSource primary;
    private readonly NpgsqlDataSource standby;
    private readonly ReadRoutingOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<ReadRouter> log;
    private readonly Counter<long> reads;
    private readonly SemaphoreSlim checking = new(1, 1);
    private StandbyStatus? status;

    public ReadRouter(string primaryConnectionString, string standbyConnectionString, IOptions<ReadRoutingOptions> options,
        TimeProvider time, IMeterFactory meters, ILogger<ReadRouter> log)
    {
        primary = ProbeSource(primaryConnectionString);
        standby = ProbeSource(standbyConnectionString);
        this.options = options.Value;
        this.time = time;
        this.log = log;
        var meter = meters.Create(MeterName);
        reads = meter.CreateCounter<long>("caseapi.reads", "{read}", "Reads through the read-only store, by the server that served them and why.");
        meter.CreateObservableGauge("caseapi.standby.lag", () => status?.Lag?.TotalSeconds ?? double.NaN, "s",
            "How far the standby's replay was behind the primary at the last check (NaN when unknown or unreachable).");
    }

    /// <summary>Raised when a check finds the standby unreachable after it was reachable.</summary>
    public event Action? StandbyLost;

    public TimeSpan MaxLag => TimeSpan.FromSeconds(options.MaxLagSeconds);

    /// <summary>True when the standby serves this read.</summary>
    public async Task<bool> ChooseStandbyAsync(NpgsqlLogSequenceNumber? token, CancellationToken ct)
    {
        var current = await StatusAsync(ct);
        var reason = current switch
        {
            { Reachable: false } => "standby-unavailable",
            { Lag: null } => "standby-not-replaying",
            _ when token is { } lsn => await ReplayedAsync(lsn, current, ct) ? null : "token-not-replayed",
            { Lag: var lag } when lag > MaxLag => "standby-lag",
            _ => null,
        };
        reads.Add(1, new KeyValuePair<string, object?>("target", reason is null ? "standby" : "primary"),
            new KeyValuePair<string, object?>("reason", reason ?? (token is null ? "lag-within-bound" : "token-replayed")));
        return reason is null;
    }

    /// <summary>
    /// The primary's WAL insert position: read after a commit returned, it is at or past the end of that commit's WAL
    /// record, whatever synchronous_commit says, so a standby that has replayed up to it has replayed the commit.
    /// </summary>
    public async Task<NpgsqlLogSequenceNumber> PrimaryPositionAsync(CancellationToken ct)
    {
        await using var command = primary.CreateCommand("SELECT pg_current_wal_insert_lsn()");
        return (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The standby's last checked state, checked anew when older than the check interval.</summary>
    public async Task<StandbyStatus> StatusAsync(CancellationToken ct)
    {
        var known = status;
        var interval = TimeSpan.FromMilliseconds(options.CheckIntervalMilliseconds);
        if (known is not null && time.GetElapsedTime(known.CheckedAt) < interval) return known;
        // One check at a time; while it runs, other requests go by the last one rather than queue behind a slow standby.
        if (!await checking.WaitAsync(known is null ? Timeout.InfiniteTimeSpan : TimeSpan.Zero, ct)) return known!;
        try
        {
            if (status is { } fresh && time.GetElapsedTime(fresh.CheckedAt) < interval) return fresh;
            var checkedNow = await CheckAsync(ct);
            // A state transition, not every check: the log says when reads moved between the servers, and why.
            if (Serves(status) != Serves(checkedNow)) log.LogWarning("Read routing: {Standby}", checkedNow.Describe(MaxLag));
            // Idle connections to a standby that went away are dead; dropped now, the first reads after its return open new ones.
            if (status is { Reachable: true } && !checkedNow.Reachable)
            {
                standby.Clear();
                StandbyLost?.Invoke();
            }
            status = checkedNow;
            return checkedNow;
        }
        finally
        {
            checking.Release();
        }
    }

    public bool Serves(StandbyStatus? s) => s is { Reachable: true, Lag: { } lag } && lag <= MaxLag;

    /// <summary>
    /// The standby first, then the primary: a standby that had replayed, before the primary was asked, all the primary
    /// had written is not behind at all. Otherwise it is as stale as its last replayed commit is old (an overestimate
    /// after a quiet spell on the primary, which errs towards reading from the primary).
    /// </summary>
    private async Task<StandbyStatus> CheckAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            await using var replay = standby.CreateCommand(
                "SELECT pg_last_wal_replay_lsn(), extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8");
            await using var reader = await replay.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            NpgsqlLogSequenceNumber? replayed = reader.IsDBNull(0) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(0);
            double? sinceReplay = reader.IsDBNull(1) ? null : reader.GetDouble(1);
            if (replayed is null) return new(null, null, started, null);
            await using var written = primary.CreateCommand("SELECT pg_current_wal_lsn()");
            var primaryAt = (NpgsqlLogSequenceNumber)(await written.ExecuteScalarAsync(ct))!;
            var lag = replayed >= primaryAt ? TimeSpan.Zero : sinceReplay is { } s ? TimeSpan.FromSeconds(Math.Max(s, 0)) : (TimeSpan?)null;
            return new(replayed, lag, started, null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            return new(null, null, started, e.Message);
        }
    }

    /// <summary>Waits, up to the configured time, for the standby to replay the given position.</summary>
    private async Task<bool> ReplayedAsync(NpgsqlLogSequenceNumber token, StandbyStatus known, CancellationToken ct)
    {
        if (known.Replayed >= token) return true;
        var deadline = time.GetTimestamp() + (long)(options.ConsistencyWaitMilliseconds / 1000.0 * time.TimestampFrequency);
        try
        {
            await using var connection = await standby.OpenConnectionAsync(ct);
            await using var replay = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn()", connection);
            while (true)
            {
                if (await replay.ExecuteScalarAsync(ct) is NpgsqlLogSequenceNumber replayed && replayed >= token) return true;
                if (time.GetTimestamp() >= deadline) return false;
                await Task.Delay(PollInterval, time, ct);
            }
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static NpgsqlDataSource ProbeSource(string connectionString)
    {
        // A small pool of its own with short timeouts: a standby that hangs slows the checks, never the requests' pools.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "caseapi-routing", MaxPoolSize = 4, MinPoolSize = 0, Timeout = 2, CommandTimeout = 2,
        };
        return NpgsqlDataSource.Create(builder);
    }

    public async ValueTask DisposeAsync()
    {
        await primary.DisposeAsync();
        await standby.DisposeAsync();
        checking.Dispose();
    }
}
