using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.Resilience;

/// <summary>Stops and starts PostgreSQL, so it must never share the machine's attention with other test collections.</summary>
[CollectionDefinition(nameof(DatabaseRestartCollection), DisableParallelization = true)]
public sealed class DatabaseRestartCollection;

/// <summary>The service over a cluster of the test's own, which the test stops and starts under concurrent writes.</summary>
[Collection(nameof(DatabaseRestartCollection))]
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private const int Writers = 8;
    private readonly LocalCluster cluster = new();
    private RestartFactory? api;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        try
        {
            await cluster.StartAsync();
            api = new RestartFactory(cluster.ConnectionString);
            await api.InitializeAsync();
        }
        catch
        {
            // A cluster left running would hold its port and its memory after the run.
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (api is not null) await api.DisposeAsync();
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task Writes_during_a_database_restart_answer_503_with_Retry_After_and_every_acknowledged_write_survives()
    {
        using var client = api!.CreateClient(CaseApiFactory.AdminKey);
        var outcomes = new ConcurrentBag<(HttpStatusCode Status, string Slug, bool RetryAfter, string Body)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => WriteUntilStoppedAsync(client, w, outcomes, stop.Token)).ToList();

        await WaitUntilAsync(() => outcomes.Count(o => o.Status == HttpStatusCode.Created) >= 20);
        await cluster.StopAsync();
        await WaitUntilAsync(() => outcomes.Count(o => o.Status == HttpStatusCode.ServiceUnavailable) >= 20);
        using var readyWhileDown = await client.GetAsync("/health/ready", Ct);
        using var anonymous = api!.CreateClient(null);
        using var anonymousReadyWhileDown = await anonymous.GetAsync("/health/ready", Ct);
        var createdBeforeRestart = outcomes.Count(o => o.Status == HttpStatusCode.Created);
        await cluster.StartAsync();
        await WaitUntilAsync(() => outcomes.Count(o => o.Status == HttpStatusCode.Created) >= createdBeforeRestart + 20);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        using var readyAfter = await client.GetAsync("/health/ready", Ct);

        var byStatus = outcomes.GroupBy(o => (int)o.Status).ToDictionary(g => g.Key, g => g.Count());
        TestContext.Current.TestOutputHelper?.WriteLine($"Statuses during the restart: {string.Join(", ", byStatus.OrderBy(s => s.Key))}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileDown.StatusCode);
        // Why the database cannot be reached names its host and port: an anonymous caller is told only that it cannot.
        Assert.Equal("{\"status\":\"Unhealthy\"}", await anonymousReadyWhileDown.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
        Assert.All(byStatus.Keys, status => Assert.True(status is 201 or 503, $"Unexpected {status}: {outcomes.First(o => (int)o.Status == status).Body}"));
        Assert.All(outcomes.Where(o => o.Status == HttpStatusCode.ServiceUnavailable), o => Assert.True(o.RetryAfter, o.Body));
        var stored = await StoredSlugsAsync();
        var lost = outcomes.Where(o => o.Status == HttpStatusCode.Created && !stored.Contains(o.Slug)).Select(o => o.Slug).ToList();
        Assert.Empty(lost);
    }

    private static async Task WriteUntilStoppedAsync(HttpClient client, int writer, ConcurrentBag<(HttpStatusCode, string, bool, string)> outcomes,
        CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var slug = $"restart-{writer}-{i}";
            using var response = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(slug), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            outcomes.Add((response.StatusCode, slug, response.Headers.RetryAfter is not null, body));
            // A client honouring Retry-After would wait seconds; a short pause keeps the outage from being a busy loop.
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) await Task.Delay(20, Ct);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition()) await Task.Delay(10, timeout.Token);
    }

    private async Task<HashSet<string>> StoredSlugsAsync()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT slug FROM cases", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct)) slugs.Add(reader.GetString(0));
        return slugs;
    }

    /// <summary>The service over the cluster's own database, as the serving role (the superuser migrates it).</summary>
    private sealed class RestartFactory(string connectionString) : CaseApiFactory
    {
        protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Existing(connectionString));
    }
}
