using Microsoft.EntityFrameworkCore;

namespace CaseApi.Store;

/// <summary>
/// The store version: the latest history position visible to the reader. The clock row holds the position of the
/// last commit that is visible, because a writer takes its position at its very end and holds the row until it commits.
/// </summary>
public static class StoreVersion
{
    private static readonly SqlFragment Sql = SqlFragment.Raw("SELECT position AS \"Value\" FROM history_clock");

    public static Task<long> ReadAsync(CaseDbContext db, CancellationToken ct) => db.Database.Query<long>(Sql).SingleAsync(ct);
}
