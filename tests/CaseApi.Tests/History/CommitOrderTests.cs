using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Auth;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.History;

public sealed class CommitOrderTests(CaseApiFactory api) : HistoryTest(api)
{
    [Fact]
    public async Task A_transaction_that_started_first_but_commits_last_gets_the_later_position_and_no_reader_skips_it()
    {
        await using var first = new NpgsqlConnection(Api.ServiceConnectionString);
        await using var second = new NpgsqlConnection(Api.ServiceConnectionString);
        await first.OpenAsync(Ct);
        await second.OpenAsync(Ct);
        await using var early = await first.BeginTransactionAsync(Ct);
        await using var late = await second.BeginTransactionAsync(Ct);
        await Run(first, "UPDATE sectors SET description = 'first writer' WHERE code = 'space'");
        await Run(second, "UPDATE sectors SET description = 'second writer' WHERE code = 'rail'");

        await late.CommitAsync(Ct);
        var (seenBefore, cursor) = await DrainFeedAsync(Client);
        var versionBefore = await ScalarAsync<long>(Api.ServiceConnectionString, "SELECT position FROM history_clock");
        await early.CommitAsync(Ct);
        var (seenAfter, _) = await DrainFeedAsync(Client, cursor);

        Assert.Equal(["rail"], seenBefore.Select(i => (string)i["id"]!));
        Assert.Equal([1L], seenBefore.Select(PositionOf));
        Assert.Equal(1, versionBefore);
        Assert.Equal(["space"], seenAfter.Select(i => (string)i["id"]!));
        Assert.Equal([2L], seenAfter.Select(PositionOf));
    }

    [Fact]
    public async Task Readers_following_the_feed_while_two_service_processes_write_see_every_change_once_in_position_order()
    {
        await using var other = new SecondInstanceFactory(Api.ConnectionString);
        await other.InitializeAsync();
        using var otherClient = other.CreateClient(CaseApiFactory.AdminKey);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var seen = new List<JsonObject>();
        var reader = Task.Run(async () =>
        {
            string? cursor = null;
            while (!stop.IsCancellationRequested)
            {
                var (items, next) = await FeedPageAsync(Client, cursor, limit: 7);
                seen.AddRange(items);
                cursor = next;
            }
            seen.AddRange((await DrainFeedAsync(Client, cursor)).Items);
        }, Ct);

        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var client = w == 0 ? Client : otherClient;
            for (var i = 0; i < 20; i++)
            {
                using var created = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal($"writer-{w}-case-{i}"), Ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                using var sector = await client.PutAsJsonAsync($"/api/v1/sectors/test-sector-{w}",
                    new JsonObject { ["name"] = $"Sector {w} v{i}" }, Ct);
                Assert.True(sector.IsSuccessStatusCode, await sector.Content.ReadAsStringAsync(Ct));
            }
        }, Ct)));
        await stop.CancelAsync();
        await reader;
        var (everything, _) = await DrainFeedAsync(Client);

        Assert.Equal(80, everything.Count);
        Assert.Equal(everything.Select(Key), seen.Select(Key));
        Assert.Equal(Enumerable.Range(1, 80).Select(p => (long)p), seen.Select(PositionOf));
    }

    [Fact]
    public async Task An_import_of_many_rows_takes_one_position()
    {
        var csv = string.Join("\r\n", ["slug,title,activityTypes,collectorType,sectors,outcome",
            .. Enumerable.Range(1, 50).Select(i => $"imported-{i},Imported {i},economic-espionage,private-company-employee,aerospace,convicted")])
            + "\r\n";

        using var response = await Client.PostAsync("/api/v1/imports", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), Ct);
        var (items, _) = await DrainFeedAsync(Client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(50, items.Count(i => (string)i["entity"]! == "case"));
        Assert.Equal([1L], items.Select(PositionOf).Distinct());
    }

    private static string Key(JsonObject item) => $"{item["position"]}/{item["entity"]}/{item["id"]}";

    private static async Task Run(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
