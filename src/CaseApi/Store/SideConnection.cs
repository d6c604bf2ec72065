using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace CaseApi.Store;

/// <summary>
/// A connection of its own beside a context's, so a read can run while the context's connection streams another (an export
/// reading the entity links of the cases it is writing). It comes from a pool of its own, as large as the context's, with
/// the same server, login and session settings (CloneWith keeps the password). Not from the context's own pool: with every
/// bulk connection streaming an export, each export would wait for a second connection that only another export can give
/// back, and all of them would fail at the pool's timeout. Each streaming connection holds at most one beside it, so a side
/// connection never waits. Statements on it go through <see cref="SqlExecutor"/>.
/// </summary>
public static class SideConnection
{
    public static async Task<DbConnection> OpenBesideAsync(this DatabaseFacade database, CancellationToken ct)
    {
        var original = (NpgsqlConnection)database.GetDbConnection();
        var side = new NpgsqlConnectionStringBuilder(original.ConnectionString);
        side.ApplicationName = $"{side.ApplicationName ?? "caseapi"}-side";
        var connection = original.CloneWith(side.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
