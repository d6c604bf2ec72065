using System.Net;
using System.Net.Sockets;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.Security;

/// <summary>A pool as small as the one exhausted in the security review, and a quick minimum response data rate.</summary>
public class SmallPoolFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Waiting 3 s for a free connection, not 15, keeps a failure of this test quick.
        ["ConnectionStrings:Cases"] = $"{ServiceConnectionString};Maximum Pool Size=4;Timeout=3",
        ["Database:BulkMaxPoolSize"] = "2",
        ["RateLimits:BulkConcurrencyLimit"] = "1",
        ["Limits:MinResponseBytesPerSecond"] = "65536",
        ["Limits:MinResponseRateGraceSeconds"] = "2",
        ["Limits:MaxWriteStallSeconds"] = "2",
    };
}

/// <summary>The same small pools, with stalled clients tolerated for a minute: bulk connections stay taken while a test looks.</summary>
public sealed class PatientSmallPoolFactory : SmallPoolFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Limits:MinResponseRateGraceSeconds"] = "60",
        ["Limits:MaxWriteStallSeconds"] = "60",
    };
}

/// <summary>Point reads and readiness have connections of their own, which no number of slow bulk readers can take.</summary>
public sealed class PointReadIsolationTests(PatientSmallPoolFactory api) : ApiTest(api), IClassFixture<PatientSmallPoolFactory>
{
    [Fact]
    public async Task Point_reads_and_readiness_are_served_while_slow_exports_hold_every_bulk_connection()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());
        await BulkCases.InsertAsync(Api.ConnectionString, 20_000, Ct);
        var id = (string)created["id"]!;
        var exports = new List<HttpClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                // Four readers (so no per-key limit applies), each reading the headers and then nothing: stalled clients.
                var reader = ResourceIsolationTests.StalledReader(Client.BaseAddress!, await Api.CreateKeyAsync(Policies.Reader));
                exports.Add(reader);
                _ = reader.GetAsync("/api/v1/cases/export?format=csv", HttpCompletionOption.ResponseHeadersRead, Ct);
            }
            await BulkConnectionsBusyAsync(atLeast: 2);

            var reads = new List<HttpStatusCode>();
            for (var i = 0; i < 10; i++)
            {
                using var read = await Client.GetAsync($"/api/v1/cases/{id}", Ct);
                reads.Add(read.StatusCode);
            }
            using var ready = await AnonymousClient().GetAsync("/health/ready", Ct);
            var stillBusy = await BulkConnectionsBusyAsync(atLeast: 2);

            Assert.All(reads, status => Assert.Equal(HttpStatusCode.OK, status));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            // Had the reads waited for a bulk connection, they would have been served only once an export let go of one.
            Assert.True(stillBusy >= 2, $"{stillBusy} bulk connections still busy after the reads");
        }
        finally
        {
            // The stalled exports end with their clients, also when an assertion failed.
            exports.ForEach(e => e.Dispose());
        }
    }

    /// <summary>
    /// The service's bulk connections running a statement (the stalled exports), once at least the bulk pool's size
    /// (<paramref name="atLeast"/>) are, or after 30 s.
    /// </summary>
    private async Task<int> BulkConnectionsBusyAsync(int atLeast)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand(
            "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'caseapi-bulk' AND state = 'active'",
            connection);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var busy = (int)(await count.ExecuteScalarAsync(Ct))!;
            if (busy >= atLeast || DateTime.UtcNow > deadline) return busy;
            await Task.Delay(50, Ct);
        }
    }
}

public sealed class ResourceIsolationTests(SmallPoolFactory api) : ApiTest(api), IClassFixture<SmallPoolFactory>, IAsyncLifetime
{
    private const int Rows = 20_000;
    private readonly List<HttpClient> stalled = [];

    [Fact]
    public async Task A_second_bulk_request_of_the_same_key_while_one_runs_is_429_with_Retry_After()
    {
        await SeedCasesAsync(Rows);
        var key = await Api.CreateKeyAsync(Policies.Reader);
        using var running = await StalledReader(key).GetAsync("/api/v1/cases/export", HttpCompletionOption.ResponseHeadersRead, Ct);

        using var second = await ClientWithKey(key).GetAsync("/api/v1/stats/summary", Ct);

        Assert.Equal(HttpStatusCode.OK, running.StatusCode);
        await Problems.AssertAsync(second, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(5), second.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_stalled_export_reader_is_cut_off_and_sees_an_aborted_body_not_a_short_file()
    {
        await SeedCasesAsync(Rows);
        using var response = await StalledReader(CaseApiFactory.AdminKey)
            .GetAsync("/api/v1/cases/export", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);

        // Stalling is the behaviour under test: read nothing for longer than a write may wait for the client.
        await Task.Delay(TimeSpan.FromSeconds(8), Ct);
        var read = () => body.CopyToAsync(Stream.Null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<IOException>(read);
    }

    [Fact]
    public async Task Lists_are_in_the_bulk_budget()
    {
        var key = await Api.CreateKeyAsync(Policies.Reader);
        await SeedCasesAsync(Rows);
        using var running = await StalledReader(key).GetAsync("/api/v1/cases/export", HttpCompletionOption.ResponseHeadersRead, Ct);

        using var list = await ClientWithKey(key).GetAsync("/api/v1/cases?limit=1", Ct);

        await Problems.AssertAsync(list, HttpStatusCode.TooManyRequests);
    }

    /// <summary>
    /// A client that reads nothing unless asked, with a receive buffer too small to soak up an export (the kernel's
    /// autotuned loopback buffer holds tens of megabytes), so the server really is held up by it.
    /// </summary>
    private HttpClient StalledReader(string key)
    {
        var client = StalledReader(Client.BaseAddress!, key);
        stalled.Add(client);
        return client;
    }

    internal static HttpClient StalledReader(Uri service, string key)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8 * 1024 };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = service };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    // Re-implements IAsyncLifetime's disposal (ApiTest's is not virtual) to dispose these clients too.
    public new async ValueTask DisposeAsync()
    {
        stalled.ForEach(c => c.Dispose());
        await base.DisposeAsync();
    }

    // Enough rows that an export cannot fit in the socket buffers between server and client; returns one case's id.
    private async Task<Guid> SeedCasesAsync(int rows)
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());
        await BulkCases.InsertAsync(Api.ConnectionString, rows, Ct);
        return Guid.Parse((string)created["id"]!);
    }
}
