namespace CaseApi.Store;

/// <summary>
/// The read point of one request, resolved once before its handler runs: which state of the store it reads (the
/// current one, or as of a history position or a named release), the store's version where the answer depends on the
/// whole store, and the connection the read was routed to (primary or standby). It is a resolved point, not a
/// transaction: a point read of the current store costs no extra round trip for it.
/// </summary>
/// <remarks>
/// A handler takes it as a parameter; the endpoint declares how it reads with <c>.ReadsStore(StoreRead…)</c>, whose filter
/// validates the query first, then resolves the snapshot and hands it to the handler. Binding alone yields a placeholder
/// that refuses to be read, so an endpoint that forgot the declaration fails loudly in its first test.
/// </remarks>
public sealed class StoreSnapshot
{
    private const string Undeclared =
        "This endpoint reads the store without declaring how: map it with .ReadsStore(StoreRead.…) (Infrastructure/Http/StoreReads.cs).";

    private readonly CaseDbContext? db;

    private StoreSnapshot(StoreView view, string? release, long? version, CaseDbContext? db) =>
        (View, Release, Version, this.db) = (view, release, version, db);

    internal static StoreSnapshot Of(StoreView view, string? release, long? version, CaseDbContext db) => new(view, release, version, db);

    /// <summary>What binding gives before the declared read resolves the snapshot.</summary>
    internal static StoreSnapshot Pending { get; } = new(StoreView.Current, null, null, null);

    /// <summary>The current store, or the store as of a position (a release is its position).</summary>
    public StoreView View { get; }

    /// <summary>The release's name when the read names one (release=), so that an answer can say which it cites.</summary>
    public string? Release { get; }

    /// <summary>The store version read before the handler, for reads over the whole current store; null otherwise.</summary>
    public long? Version { get; }

    /// <summary>The routed connection: the primary's, or the standby's when the declared route allows and it is fresh enough.</summary>
    public CaseDbContext Db => db ?? throw new InvalidOperationException(Undeclared);

    internal bool IsPending => db is null;

    /// <summary>The placeholder the declared read replaces; an endpoint without the declaration cannot get past it.</summary>
    public static ValueTask<StoreSnapshot?> BindAsync(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<StoreRead>() is null
            ? throw new InvalidOperationException(Undeclared)
            : ValueTask.FromResult<StoreSnapshot?>(Pending);
}
