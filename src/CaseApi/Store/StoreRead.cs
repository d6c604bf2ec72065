namespace CaseApi.Store;

/// <summary>Which server answers a read.</summary>
public enum StoreRoute
{
    /// <summary>The primary, which has every committed write: what a client reads right after writing.</summary>
    Primary,

    /// <summary>
    /// The streaming standby when one is configured and has replayed far enough (the lag bound, or the client's
    /// consistency token), else the primary; either way a bulk pool of its own, so bulk work never takes the point
    /// reads' connections.
    /// </summary>
    Replica,
}

/// <summary>
/// How an endpoint reads the store, declared where it is mapped (<c>.ReadsStore(StoreRead.Cases)</c>), so that which server
/// answers and what the answer depends on are visible next to the route and never inferred from a handler's parameters.
/// The handler takes the resolved <see cref="StoreSnapshot"/>; a test fails for any GET that reads without declaring it.
/// </summary>
/// <param name="Route">The server and pool that answer.</param>
/// <param name="HistoryViews">Whether asOf= and release= may move the read into the past.</param>
/// <param name="StoreWide">
/// Whether the answer depends on the whole store (lists, exports, statistics): its version is read first and tags the
/// answer, so that an unchanged store answers a conditional request with 304.
/// </param>
public sealed record StoreRead(StoreRoute Route, bool HistoryViews, bool StoreWide)
{
    /// <summary>Small current reads on the primary: reference data, keys, import reports.</summary>
    public static StoreRead Current { get; } = new(StoreRoute.Primary, HistoryViews: false, StoreWide: false);

    /// <summary>One resource on the primary (read-after-write), current or as of a position or release.</summary>
    public static StoreRead Item { get; } = new(StoreRoute.Primary, HistoryViews: true, StoreWide: false);

    /// <summary>Reads over many cases (lists, exports, statistics): a replica, current or as of, tagged with the store version.</summary>
    public static StoreRead Cases { get; } = new(StoreRoute.Replica, HistoryViews: true, StoreWide: true);

    /// <summary>The logs (audit trail, change feed, releases): a replica, current only.</summary>
    public static StoreRead Log { get; } = new(StoreRoute.Replica, HistoryViews: false, StoreWide: false);

    /// <summary>
    /// Whether this read is bulk work: a read over many cases always, and any read of the past (asOf, release), which
    /// rebuilds rows from the history and, until that is cheap at a long history, costs like one. Bulk work takes the bulk
    /// pool and counts against the bulk budget and concurrency limit of its key.
    /// </summary>
    public bool IsBulk(bool readsThePast) => Route == StoreRoute.Replica || (HistoryViews && readsThePast);
}
