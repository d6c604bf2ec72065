using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Npgsql;

namespace CaseApi.Tests.History;

/// <summary>
/// Tests of the store's history. The shared reset empties the EF tables without their triggers; this one also empties
/// the history, so each test starts from position 0 with no entries and an empty audit trail.
/// </summary>
public abstract class HistoryTest(CaseApiFactory api) : ApiTest(api)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync(Api.ConnectionString,
            "TRUNCATE history_entries, history_commits RESTART IDENTITY; UPDATE history_clock SET position = 0, hash = '\\x'::bytea");
    }

    /// <summary>Runs SQL on a connection of its own (the superuser's, or the serving role's as a second process would).</summary>
    protected static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>One page of the change feed after the cursor.</summary>
    protected static async Task<(List<JsonObject> Items, string Next)> FeedPageAsync(HttpClient client, string? after, int limit = 100)
    {
        var query = after is null ? $"?limit={limit}" : $"?limit={limit}&after={Uri.EscapeDataString(after)}";
        using var response = await client.GetAsync($"/api/v1/changes{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        return ([.. page["items"]!.AsArray().Select(i => i!.AsObject())], (string)page["nextCursor"]!);
    }

    /// <summary>Follows the feed from the cursor until a page comes back empty.</summary>
    protected static async Task<(List<JsonObject> Items, string Next)> DrainFeedAsync(HttpClient client, string? after = null)
    {
        var all = new List<JsonObject>();
        while (true)
        {
            var (items, next) = await FeedPageAsync(client, after);
            all.AddRange(items);
            after = next;
            if (items.Count == 0) return (all, next);
        }
    }

    protected static long PositionOf(JsonObject item) => (long)item["position"]!;

    private static readonly string[] AerospaceOnly = ["aerospace"];

    /// <summary>A case in the space sector, which the seeded space2050 roadmap maps (with aerospace).</summary>
    protected static JsonObject SpaceCase(string slug)
    {
        var space = CaseSamples.Minimal(slug);
        space["sectors"] = new JsonArray("space");
        return space;
    }

    /// <summary>A policy-mapping edit: the roadmap keeps aerospace only, so space cases lose their alignment with it.</summary>
    protected async Task DropSpaceFromTheRoadmapAsync()
    {
        using var mapping = await Client.PutAsJsonAsync("/api/v1/policy-documents/space2050",
            new { name = "Space Science & Technology in China: A Roadmap to 2050", sectors = AerospaceOnly, year = 2009 }, Ct);
        Assert.Equal(HttpStatusCode.OK, mapping.StatusCode);
    }
}
