using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CaseApi.Infrastructure.Data;

/// <summary>Runs a <see cref="SqlFragment"/> through EF: rendered once per command, its parameters bound with it.</summary>
public static class SqlFragmentQueries
{
    public static IQueryable<T> SqlQuery<T>(this DatabaseFacade database, SqlFragment statement)
    {
        var (sql, parameters) = statement.Render();
        return database.SqlQueryRaw<T>(sql, [.. parameters]);
    }

    public static Task<int> ExecuteAsync(this DatabaseFacade database, SqlFragment statement, CancellationToken ct)
    {
        var (sql, parameters) = statement.Render();
        return database.ExecuteSqlRawAsync(sql, parameters, ct);
    }
}
