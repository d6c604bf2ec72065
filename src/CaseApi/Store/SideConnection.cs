using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CaseApi.Store;

/// <summary>
/// A connection of its own beside a context's: a clone shares the original's data source (the same pool, server and session
/// settings), so a read can run while the context's connection streams another (an export reading the entity links of the
/// cases it is writing). Statements on it go through <see cref="SqlExecutor"/>.
/// </summary>
public static class SideConnection
{
    public static async Task<DbConnection> OpenBesideAsync(this DatabaseFacade database, CancellationToken ct)
    {
        var connection = (DbConnection)((ICloneable)database.GetDbConnection()).Clone();
        await connection.OpenAsync(ct);
        return connection;
    }
}
