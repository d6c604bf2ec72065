using Npgsql;

namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// Recognises the exceptions that mean "the database is not available right now" rather than "this request is wrong":
/// refused, reset or timed-out connections, an exhausted pool, a server that is shutting down, starting up or out of
/// connections, a statement the server cancelled. They answer 503 with Retry-After, because retrying later succeeds.
/// </summary>
public static class DatabaseFaults
{
    /// <summary>How long a client should wait before retrying: about the time PostgreSQL takes to restart.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static bool IsUnavailable(Exception exception)
    {
        // EF Core wraps driver exceptions (DbUpdateException, "transient failure" InvalidOperationException): look through.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return IsUnavailable(pg.SqlState);
                case NpgsqlException:
                    // Not a server error but a driver one: the connection could not be opened, read or written, or no
                    // pooled connection came free in time.
                    return true;
                case Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException:
                    return true;
            }
        }
        return false;
    }

    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)          // connection exception
        || sqlState.StartsWith("53", StringComparison.Ordinal)       // insufficient resources: too many connections, out of memory, disk full
        || sqlState.StartsWith("58", StringComparison.Ordinal)       // system error, I/O error
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DatabaseDropped;
}
