using System.Net.Sockets;
using CaseApi.Infrastructure.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Tests.Resilience;

public sealed class DatabaseFaultsTests
{
    public static TheoryData<string, Exception> Unavailable => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "connection reset", new NpgsqlException("Exception while reading from stream", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))) },
        { "pool exhausted", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()) },
        { "statement timeout", Server(PostgresErrorCodes.QueryCanceled) },
        { "server shutting down", Server(PostgresErrorCodes.AdminShutdown) },
        { "server starting up", Server(PostgresErrorCodes.CannotConnectNow) },
        { "too many connections", Server(PostgresErrorCodes.TooManyConnections) },
        { "a save that lost its connection", new DbUpdateException("save", Server(PostgresErrorCodes.AdminShutdown)) },
        { "EF's transient-failure wrapper", new InvalidOperationException("transient", new NpgsqlException("read", new EndOfStreamException())) },
    };

    public static TheoryData<string, Exception> NotUnavailable => new()
    {
        { "a unique violation", Server(PostgresErrorCodes.UniqueViolation) },
        { "a syntax error (a bug, not an outage)", Server(PostgresErrorCodes.SyntaxError) },
        { "an unrelated failure", new InvalidOperationException("bug") },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void Faults_of_the_database_or_the_connection_count_as_unavailable(string fault, Exception exception) =>
        Assert.True(DatabaseFaults.IsUnavailable(exception), fault);

    [Theory]
    [MemberData(nameof(NotUnavailable))]
    public void Errors_of_the_request_or_the_code_do_not(string fault, Exception exception) =>
        Assert.False(DatabaseFaults.IsUnavailable(exception), fault);

    private static PostgresException Server(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
