using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The built service, started with dotnet like production does, on a free port, against a test database: a real
/// process that a test can kill outright or send SIGTERM, and whose log it can read.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The management port's address, when the service was started with one.</summary>
    public Uri? ManagementAddress { get; private init; }

    public int ExitCode => process.ExitCode;

    public bool IsRunning => !process.HasExited;

    public static ServiceProcess Start(string connectionString, IDictionary<string, string>? settings = null, bool managementPort = false)
    {
        var dll = typeof(CaseApi.Imports.ImportResponse).Assembly.Location;
        var port = FreePort();
        var management = managementPort ? FreePort() : (int?)null;
        var urls = $"http://127.0.0.1:{port}" + (management is { } m ? $";http://127.0.0.1:{m}" : "");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", urls])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Cases"] = connectionString;
        start.Environment["Database__SeedSample"] = "false";
        start.Environment["Database__ApplyMigrations"] = "false";
        start.Environment["Imports__ProgressEvery"] = "1000";
        start.Environment["Auth__BootstrapAdminKey"] = CaseApiFactory.AdminKey;
        if (management is { } managed) start.Environment["Management__Port"] = managed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"))
        {
            ManagementAddress = management is { } mp ? new Uri($"http://127.0.0.1:{mp}") : null,
        };
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    public async Task WaitUntilLiveAsync(HttpClient client, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/health/live", ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            Assert.False(process.HasExited, $"The service exited: {Output}");
            Assert.True(DateTime.UtcNow < deadline, $"The service did not start: {Output}");
            await Task.Delay(100, ct);
        }
    }

    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"The service exited: {Output}");
            Assert.True(DateTime.UtcNow < deadline, $"No '{text}' in the service log: {Output}");
            await Task.Delay(20);
        }
    }

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes and systemd stop a process (Process.Kill sends SIGKILL).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
