namespace CaseApi.Infrastructure.Observability;

/// <summary>
/// `dotnet CaseApi.dll healthcheck`: the container's HEALTHCHECK. The ASP.NET runtime image has no curl or wget,
/// so the app asks its own readiness endpoint, without building a host, and exits 0 when it answers 200.
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(string? port = null)
    {
        // The port the container serves on (ASPNETCORE_HTTP_PORTS is set by the aspnet base image, 8080).
        port ??= Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0] is { Length: > 0 } p ? p : "8080";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/health/ready"));
            // Host filtering serves only the configured names: ask as the first of them.
            if (Environment.GetEnvironmentVariable("AllowedHosts")?.Split(';')[0] is { Length: > 0 } host
                && !host.Contains('*', StringComparison.Ordinal))
            {
                request.Headers.Host = host;
            }
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"healthcheck: {e.Message}");
            return 1;
        }
    }
}
