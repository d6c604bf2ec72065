using System.Globalization;
using CaseApi.Audit;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CaseApi.Imports;

/// <summary>
/// The database side of one import: one transaction for all of it (a crash or a dropped connection anywhere leaves the
/// store as it was), the import's own time limits, and the staging its valid rows stream into. It ends one way, whatever
/// the import came to: <see cref="CompleteAsync"/> writes the report (and a committed import's audit row) in that
/// transaction and commits. Disposed without completing, it rolls everything back and writes nothing.
/// </summary>
internal sealed class ImportSession : IAsyncDisposable
{
    private readonly CaseDbContext db;
    private readonly IDbContextTransaction transaction;

    private ImportSession(CaseDbContext db, IDbContextTransaction transaction, ImportStaging staging)
    {
        this.db = db;
        this.transaction = transaction;
        Staging = staging;
    }

    /// <summary>Where valid rows go, and the set-based statements that judge and merge them.</summary>
    public ImportStaging Staging { get; }

    public static async Task<ImportSession> BeginAsync(CaseDbContext db, ImportOptions options, CancellationToken ct)
    {
        // The set-based merge of a large file runs far past EF's 30 s default (50,000 rows take about that on 2 cores).
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(options.CommandTimeoutSeconds));
        var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // The pool's statement_timeout is for short requests; the import's statements have the import's own limit.
            var timeout = (options.CommandTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture);
            await db.Database.ExecuteAsync(SqlFragment.Of($"SELECT set_config('statement_timeout', {timeout}, true)"), ct);
            // Every statement is planned for its own values. The pool prepares statements it sees often (Max Auto Prepare), and
            // PostgreSQL then keeps a generic plan made while the import's temporary tables were small: the name lookups of a
            // 50,000-row file kept seq-scanning 100,000 made entities (0.8 s a lookup instead of 10 ms; 7.5 s for a slug check).
            await db.Database.ExecuteAsync(SqlFragment.Raw("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"), ct);
            return new ImportSession(db, transaction, await ImportStaging.BeginAsync(db, ct));
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes the report, and the audit row of an import that changed the store, then commits. A dry run or a rejected
    /// file merged nothing, so its commit holds the report alone (the staging table drops at commit).
    /// </summary>
    public async Task CompleteAsync(ImportReport report, AuditEvent? audit, CancellationToken ct)
    {
        db.Imports.Add(report);
        if (audit is not null) db.AuditEvents.Add(audit);
        await db.SaveChangesAsync(ct);
        // A commit once begun is seen through: cancelled half-way (a shutdown drain ending), the client could not be told
        // whether the import was stored.
        await transaction.CommitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Staging.DisposeAsync();
        await transaction.DisposeAsync();
    }
}
