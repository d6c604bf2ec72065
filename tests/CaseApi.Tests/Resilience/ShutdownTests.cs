using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Resilience;

/// <summary>
/// SIGTERM to a real service process in the middle of an import, as Kubernetes stops a pod: the import is stored whole
/// and reported when it finishes within the drain, or rolled back whole and answered 503 when it does not; never partly.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class ShutdownTests(CaseApiFactory api) : ImportTest(api)
{
    private const int Rows = 6_000;
    private const int SentBeforeSignal = 3_000;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_import_in_flight_at_SIGTERM_that_finishes_within_the_drain_is_committed_whole_and_reported()
    {
        using var service = ServiceProcess.Start(Api.ServiceConnectionString, Drain(seconds: 90, rollback: 5));
        using var client = ClientOf(service);
        await service.WaitUntilLiveAsync(client, Ct);
        var terminated = new TaskCompletionSource();

        var import = SendAsync(client, terminated.Task, finish: true);
        await service.WaitForLogAsync(": 2000 records read", Limit);
        service.Terminate();
        await WaitUntilRefusedAsync(service.BaseAddress);
        terminated.SetResult();
        using var response = await import;
        var exitCode = await service.WaitForExitAsync(Limit);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonNode.Parse(body)!;
        Assert.Equal("committed", (string?)report["status"]);
        Assert.Equal(Rows, (int?)report["created"]);
        Assert.Equal(Rows, await CountCasesAsync());
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task An_import_still_running_when_the_drain_ends_is_rolled_back_whole_and_answered_503_with_Retry_After()
    {
        await CreateCaseAsync(LargeImportTests.Synthetic(1)); // a case the import would update
        var etag = await ETagOfAsync("synthetic-case-1");
        var auditEvents = await CountAuditEventsAsync();
        using var service = ServiceProcess.Start(Api.ServiceConnectionString, Drain(seconds: 4, rollback: 2));
        using var client = ClientOf(service);
        await service.WaitUntilLiveAsync(client, Ct);
        var rolledBack = new TaskCompletionSource();

        // The body stalls after 3,000 records, so the import cannot finish within the drain.
        var import = SendAsync(client, rolledBack.Task, finish: false);
        await service.WaitForLogAsync(": 2000 records read", Limit);
        service.Terminate();
        await service.WaitForLogAsync("the shutdown drain ended", Limit);
        rolledBack.SetResult();
        using var response = await import;
        var exitCode = await service.WaitForExitAsync(Limit);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("rolled back", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(1, await CountCasesAsync());
        Assert.Equal(etag, await ETagOfAsync("synthetic-case-1"));
        Assert.Equal(auditEvents, await CountAuditEventsAsync());
        Assert.Equal(0, await WithDbAsync(db => db.Imports.CountAsync(Ct)));
        Assert.Equal(0, exitCode);
    }

    private static Dictionary<string, string> Drain(int seconds, int rollback) => new()
    {
        ["Shutdown__DrainSeconds"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Shutdown__RollbackSeconds"] = rollback.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static HttpClient ClientOf(ServiceProcess service)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = Limit };
        client.DefaultRequestHeaders.Add("X-Api-Key", CaseApiFactory.AdminKey);
        return client;
    }

    /// <summary>Sends 3,000 records, waits for the signal, then sends the other 3,000 (finish) or ends the body there.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Task signal, bool finish)
    {
        using var content = new StreamingNdjson(async stream =>
        {
            for (var i = 1; i <= Rows; i++)
            {
                var line = LargeImportTests.Synthetic(i);
                line["title"] = $"Imported title {i}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"));
                if (i != SentBeforeSignal) continue;
                await stream.FlushAsync();
                await signal;
                if (!finish) return;
            }
        });
        return await client.PostAsync("/api/v1/imports", content);
    }

    /// <summary>After SIGTERM the service accepts no new connection, while the import's connection carries on.</summary>
    private static async Task WaitUntilRefusedAsync(Uri service)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (DateTime.UtcNow < deadline)
        {
            using var fresh = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var _ = await fresh.GetAsync("/health/live", Ct);
            }
            catch (HttpRequestException)
            {
                return;
            }
            await Task.Delay(20, Ct);
        }
        Assert.Fail("The service still accepted new connections after SIGTERM.");
    }
}
