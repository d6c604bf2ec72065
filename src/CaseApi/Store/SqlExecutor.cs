using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace CaseApi.Store;

/// <summary>
/// The one way a raw statement reaches PostgreSQL: a <see cref="SqlFragment"/> in, rendered once per command with its
/// values always bound as parameters. Outside <c>Store/</c> nothing calls EF Core's raw-SQL methods or builds an
/// <c>NpgsqlCommand</c> (a test greps for them), so these few methods are where every hand-written statement runs.
/// </summary>
public static class SqlExecutor
{
    /// <summary>Rows of a statement mapped to <typeparamref name="T"/> by column name (a scalar's column is named "Value").</summary>
    public static IQueryable<T> Query<T>(this DatabaseFacade database, SqlFragment statement)
    {
        var (sql, parameters) = Render(statement);
        return database.SqlQueryRaw<T>(sql, [.. parameters]);
    }

    /// <summary>An entity query over a statement that selects the entity's columns; EF composes on top of it.</summary>
    public static IQueryable<T> Query<T>(this DbSet<T> set, SqlFragment select) where T : class
    {
        var (sql, parameters) = Render(select);
        return set.FromSqlRaw(sql, [.. parameters]);
    }

    /// <summary>Runs a statement in the context's connection and transaction; the number of rows it affected.</summary>
    public static Task<int> ExecuteAsync(this DatabaseFacade database, SqlFragment statement, CancellationToken ct)
    {
        var (sql, parameters) = Render(statement);
        return database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    /// <summary>Opens a binary COPY ... FROM STDIN on the context's connection, inside its transaction.</summary>
    public static Task<NpgsqlBinaryImporter> BeginBinaryCopyAsync(this DatabaseFacade database, SqlFragment copy, CancellationToken ct) =>
        ((NpgsqlConnection)database.GetDbConnection()).BeginBinaryImportAsync(copy.Render().Text, ct);

    /// <summary>The first column of the first row, on a connection of one's own (a LISTEN session, a count beside a page).</summary>
    public static async Task<T> ScalarAsync<T>(this DbConnection connection, SqlFragment statement, CancellationToken ct)
    {
        await using var command = Command(connection, statement);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Runs a statement on a connection of one's own.</summary>
    public static async Task<int> ExecuteAsync(this DbConnection connection, SqlFragment statement, CancellationToken ct)
    {
        await using var command = Command(connection, statement);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection, SqlFragment statement)
    {
        var (sql, parameters) = statement.Render();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>
    /// EF Core's raw-SQL methods pass the text through string.Format to place positional arguments, so a brace in the
    /// SQL itself (an array literal '{a,b}', a JSON object '{}') would be read as a placeholder; doubled here, it reaches
    /// PostgreSQL as written. Our parameters are named (@p_1 …), never positional, so nothing else is substituted.
    /// </summary>
    private static (string Text, NpgsqlParameter[] Parameters) Render(SqlFragment statement)
    {
        var (sql, parameters) = statement.Render();
        return (sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), parameters);
    }
}
