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
}
