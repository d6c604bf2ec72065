using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Deploy;

/// <summary>
/// scripts/run.sh beside other work: the ports come from the environment, a run started in the background stops on
/// SIGINT as on SIGTERM, and --stop stops both the API and the database it started. Each test runs the script for real,
/// on the built service, with a cluster of its own in a temporary folder.
/// </summary>
public sealed class RunScriptTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string local = TraversableTempFolder();
    private readonly int apiPort = FreePort();
    private readonly int dbPort = FreePort();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await RepositoryScripts.RunAsync("scripts/pg.sh", ["destroy", Path.Combine(local, "postgres")], ct: CancellationToken.None);
        Directory.Delete(local, recursive: true);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_backgrounded_run_on_the_given_ports_stops_on_sigint_and_sigterm_alike(string signal)
    {
        var started = await StartInBackgroundAsync();
        using var shell = started.Shell;

        var cases = await GetCasesAsync(shell);
        Assert.True(Listening(dbPort), $"the database is not on CASEAPI_DB_PORT={dbPort}");
        Assert.Empty(cases["items"]!.AsArray());
        await SignalAsync(started.Script, signal);
        await shell.WaitForExitAsync(Ct);

        Assert.False(Listening(apiPort), "the API still listens after the signal");
        Assert.False(File.Exists(Path.Combine(local, "api.pid")));
    }

    [Fact]
    public async Task Stop_stops_the_api_and_the_database_it_started()
    {
        using var shell = (await StartInBackgroundAsync()).Shell;
        await GetCasesAsync(shell);

        await RepositoryScripts.RunAsync("scripts/run.sh", ["--stop"], Environment(), Ct);
        await shell.WaitForExitAsync(Ct);

        Assert.False(Listening(apiPort), "the API still listens after --stop");
        Assert.False(Listening(dbPort), "the database still listens after --stop");
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["CASEAPI_LOCAL"] = local,
        ["CASEAPI_PORT"] = apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CASEAPI_DB_PORT"] = dbPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Auth__BootstrapAdminKey"] = CaseApiFactory.AdminKey,
    };

    /// <summary>
    /// The script as a shell runs a job with &amp;: a non-interactive bash starts it with SIGINT ignored, which is what made
    /// a backgrounded run deaf to Ctrl+C. The outer bash prints the job's pid and waits for it.
    /// </summary>
    private async Task<(Process Shell, int Script)> StartInBackgroundAsync()
    {
        var start = new ProcessStartInfo("bash", ["-c", "scripts/run.sh --no-build --no-sample >\"$CASEAPI_LOCAL/run.log\" 2>&1 & echo $!; wait $!"])
        {
            WorkingDirectory = RepositoryFiles.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (key, value) in Environment()) start.Environment[key] = value;
        foreach (var inherited in new[] { "ConnectionStrings__Cases", "ConnectionStrings__CasesOwner", "CASEAPI_URL", "Database__SeedSample" })
        {
            start.Environment.Remove(inherited);
        }
        var shell = Process.Start(start)!;
        var pid = int.Parse((await shell.StandardOutput.ReadLineAsync(Ct))!, System.Globalization.CultureInfo.InvariantCulture);
        return (shell, pid);
    }

    /// <summary>
    /// The case list once the service answers (it migrates a new cluster first), read with the admin key; the script's
    /// log as soon as the script has ended without serving.
    /// </summary>
    private async Task<JsonObject> GetCasesAsync(Process shell)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        client.DefaultRequestHeaders.Add("X-Api-Key", CaseApiFactory.AdminKey);
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                using var response = await client.GetAsync("/api/v1/cases", Ct);
                if (response.StatusCode == HttpStatusCode.OK) return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (shell.HasExited) break;
            await Task.Delay(500, Ct);
        }
        throw new InvalidOperationException($"run.sh never served: {Log()}");
    }

    private string Log() => File.Exists(Path.Combine(local, "run.log")) ? File.ReadAllText(Path.Combine(local, "run.log")) : "(no log)";

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync(Ct);
        Assert.Equal(0, kill.ExitCode);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A temporary folder others may enter: run as root, pg.sh runs the cluster as the postgres user, which must reach
    /// the cluster's folder inside it (CreateTempSubdirectory makes a 0700 folder).
    /// </summary>
    private static string TraversableTempFolder()
    {
        var folder = Directory.CreateTempSubdirectory("caseapi-run-");
        if (!OperatingSystem.IsWindows()) folder.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return folder.FullName;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
