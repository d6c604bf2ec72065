using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

public sealed class ChangeFeedTests(CaseApiFactory api) : HistoryTest(api)
{
    private static readonly string[] WritableFields =
        ["slug", "title", "summary", "activityTypes", "sectors", "outcome", "collectorType", "sentenceMonths", "tags", "chargedOn"];

    [Fact]
    public async Task A_create_an_update_and_a_delete_appear_in_order_and_the_delete_is_a_tombstone()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("feed-case"));
        var id = (string)created["id"]!;
        using var patched = await Client.MergePatchAsync($"/api/v1/cases/{id}", """{"title": "Renamed"}""", etag);
        using var deleted = await Client.DeleteAsync($"/api/v1/cases/{id}", patched.Headers.ETag);

        var (items, _) = await DrainFeedAsync(Client);

        Assert.Equal(["create", "update", "delete"], items.Select(i => (string)i["action"]!));
        Assert.All(items, i => Assert.Equal(id, (string)i["id"]!));
        Assert.All(items, i => Assert.Equal("feed-case", (string)i["slug"]!));
        Assert.Equal("Renamed", (string)items[1]["case"]!["title"]!);
        Assert.Null(items[2]["case"]);
        Assert.Equal([1L, 2L, 3L], items.Select(PositionOf));
        var adminKey = await WithDbAsync(db => Task.FromResult(db.ApiKeys.Single(k => k.Name == ApiKeyBootstrap.KeyName).Id));
        Assert.All(items, i => Assert.Equal(Actors.ForKey(adminKey), (string?)i["actor"]));
    }

    [Fact]
    public async Task Reference_data_and_policy_mapping_changes_appear_but_keys_and_audit_rows_do_not()
    {
        using var sector = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new JsonObject { ["name"] = "Quantum" }, Ct);
        await Api.CreateKeyAsync("reader");
        await ExecuteAsync(Api.ServiceConnectionString, "INSERT INTO policy_document_sectors VALUES ('space2050', 'quantum')");

        var (items, _) = await DrainFeedAsync(Client);

        Assert.Equal(HttpStatusCode.Created, sector.StatusCode);
        Assert.Equal(["sector/quantum/create", "policy-document-sector/space2050/quantum/create"],
            items.Select(i => $"{i["entity"]}/{i["id"]}/{i["action"]}"));
        Assert.Equal("Quantum", (string)items[0]["sector"]!["name"]!);
    }

    [Fact]
    public async Task A_copy_built_from_the_feed_while_two_processes_write_and_import_equals_the_final_export()
    {
        await using var other = new SecondInstanceFactory(Api.ConnectionString);
        await other.InitializeAsync();
        using var otherClient = other.CreateClient(CaseApiFactory.AdminKey);
        var copy = new Dictionary<string, JsonObject>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string? cursor = null;
        async Task<int> FollowAsync()
        {
            var (items, next) = await FeedPageAsync(Client, cursor, limit: 13);
            foreach (var item in items.Where(i => (string)i["entity"]! == "case"))
            {
                if ((string)item["action"]! == "delete") copy.Remove((string)item["id"]!);
                else copy[(string)item["id"]!] = item["case"]!.AsObject();
            }
            cursor = next;
            return items.Count;
        }
        var follower = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await FollowAsync();
        }, Ct);

        await Task.WhenAll(
            WriteAsync(Client, "a"),
            WriteAsync(otherClient, "b"),
            Task.Run(async () =>
            {
                var csv = string.Join("\r\n", ["slug,title,activityTypes,collectorType,sectors,outcome",
                    .. Enumerable.Range(1, 200).Select(i => $"bulk-{i},Bulk {i},economic-espionage,private-company-employee,energy,charged")]);
                using var imported = await otherClient.PostAsync("/api/v1/imports", new StringContent(csv + "\r\n", Encoding.UTF8, "text/csv"), Ct);
                Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
            }, Ct));
        await stop.CancelAsync();
        await follower;
        while (await FollowAsync() > 0)
        {
        }
        using var export = await Client.GetAsync("/api/v1/cases/export?format=json", Ct);
        var exported = (await export.Content.ReadFromJsonAsync<JsonArray>(Ct))!.Select(c => c!.AsObject()).ToList();

        Assert.Equal(exported.Select(c => (string)c["id"]!).Order(), copy.Keys.Order());
        Assert.All(exported, c => Assert.Equal(Writable(c), Writable(copy[(string)c["id"]!])));

    }

    /// <summary>Creates, edits and deletes cases of its own through one service instance.</summary>
    private static async Task WriteAsync(HttpClient client, string writer)
    {
        for (var i = 0; i < 15; i++)
        {
            using var created = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal($"writer-{writer}-{i}"), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!;
            using var patched = await client.MergePatchAsync($"/api/v1/cases/{id}", $$"""{"title": "Edited {{i}}", "tags": ["t{{i}}"]}""",
                created.Headers.ETag);
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            if (i % 3 == 0)
            {
                using var deleted = await client.DeleteAsync($"/api/v1/cases/{id}", patched.Headers.ETag);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }
        }
    }

    private static string Writable(JsonObject c) =>
        new JsonObject(WritableFields.Select(f => KeyValuePair.Create(f, c[f] is JsonArray { Count: 0 } ? null : c[f]?.DeepClone()))).ToJsonString();
}
