using System.Net.Sockets;

namespace CaseApi.Infrastructure.Logging;

public static class StartupFailures
{
    /// <summary>
    /// Runs the service; a start that fails because the port is taken is one line on stderr and exit code 1, rather than
    /// a stack trace: the cause is the environment, and the line says what to change.
    /// </summary>
    public static async Task<int> RunCaseApiAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException e) when (IsBusyPort(e))
        {
            await Console.Error.WriteLineAsync(
                $"CaseApi cannot start: {e.Message} Stop the process using it, or choose another port with ASPNETCORE_URLS or --urls.");
            return 1;
        }
    }

    internal static bool IsBusyPort(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException
                or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) return true;
        }
        return false;
    }
}
