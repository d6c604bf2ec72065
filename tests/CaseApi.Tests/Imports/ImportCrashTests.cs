using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Imports;

/// <summary>
/// The service runs as a real separate process here (the built CaseApi.dll) so that it can be killed outright in the
/// middle of an import, as a crash or an OOM kill would, and the store checked afterwards.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class ImportCrashTests(CaseApiFactory api) : ImportTest(api)
{
    private const int Rows = 30_000;
    private const int SentBeforeKill = 12_000;

    [Fact]
    public async Task Killing_the_service_mid_import_leaves_the_store_exactly_as_it_was()
    {
        await CreateCaseAsync(LargeImportTests.Synthetic(1)); // a case the import would update
        var etag = await ETagOfAsync("synthetic-case-1");
        var auditEvents = await CountAuditEventsAsync();
        using var service = ServiceProcess.Start(Api.ServiceConnectionString);
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", CaseApiFactory.AdminKey);
        await service.WaitUntilLiveAsync(client, Ct);

        // The body keeps streaming until the service has taken thousands of rows into its open COPY; then it dies.
        var killed = new TaskCompletionSource();
        var send = SendAsync(client, killed.Task);
        await service.WaitForLogAsync(": 10000 records read", TimeSpan.FromSeconds(60));
        var copying = await CountSessionsAsync("COPY import_staging%");
        service.Kill();
        killed.SetResult();
        await Assert.ThrowsAnyAsync<Exception>(() => send);
        await WaitUntilGoneAsync("COPY import_staging%");

        Assert.Equal(1, copying);
        Assert.Equal(1, await CountCasesAsync());
        Assert.Equal(etag, await ETagOfAsync("synthetic-case-1"));
        Assert.Equal(auditEvents, await CountAuditEventsAsync());
        Assert.Equal(0, await WithDbAsync(db => db.Imports.CountAsync(Ct)));
    }

    private static async Task SendAsync(HttpClient client, Task killed)
    {
        using var content = new StreamingNdjson(async stream =>
        {
            for (var i = 1; i <= Rows; i++)
            {
                var line = LargeImportTests.Synthetic(i);
                line["title"] = $"Imported title {i}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"));
                if (i == SentBeforeKill)
                {
                    await stream.FlushAsync();
                    await killed;
                }
            }
        });
        using var response = await client.PostAsync("/api/v1/imports", content);
        response.EnsureSuccessStatusCode();
    }

    private Task<int> CountSessionsAsync(string queryLike) =>
        WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND query LIKE {queryLike}").SingleAsync(Ct));

    /// <summary>PostgreSQL notices the dead client and rolls its transaction back; wait for that before looking at the store.</summary>
    private async Task WaitUntilGoneAsync(string queryLike)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountSessionsAsync(queryLike) > 0 && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
    }

    private sealed class StreamingNdjson : HttpContent
    {
        private readonly Func<Stream, Task> write;

        public StreamingNdjson(Func<Stream, Task> write)
        {
            this.write = write;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(NdjsonType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>The built service, started with dotnet like production does, on a free port, against the test database.</summary>
    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();

        private ServiceProcess(Process process, Uri baseAddress)
        {
            this.process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public static ServiceProcess Start(string connectionString)
        {
            var dll = typeof(CaseApi.Imports.ImportResponse).Assembly.Location;
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
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
            var process = Process.Start(start)!;
            var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
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

        private string Output
        {
            get { lock (output) return output.ToString(); }
        }

        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
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
}
