using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Entities;

/// <summary>
/// collectorEmployers and sponsoringUnits came after the history began (migration CaseEntityRoles): a case's entries from before
/// lack them. Reads of the past show them as empty lists, never a 500.
/// </summary>
public sealed class EntityRoleHistoryTests(CaseApiFactory api) : HistoryTest(api)
{
    [Fact]
    public async Task A_case_entry_written_before_the_new_fields_reads_as_of_and_in_the_feed_with_empty_lists()
    {
        await CreateCaseAsync(CaseSamples.Minimal("older-case"));
        var position = await WithDbAsync(db => CaseApi.Store.StoreVersion.ReadAsync(db, Ct));
        await CreateCaseAsync(CaseSamples.Minimal("later-case"));
        await ExecuteAsync(Api.ConnectionString, """
            SET session_replication_role = replica;
            UPDATE history_entries SET row = row - 'collector_employers' - 'sponsoring_units' WHERE entity = 'case';
            """);

        using var single = await Client.GetAsync($"/api/v1/cases/older-case?asOf={position}", Ct);
        using var list = await Client.GetAsync($"/api/v1/cases?asOf={position}", Ct);
        var export = await Client.GetStringAsync($"/api/v1/cases/export?format=ndjson&asOf={position}", Ct);
        var (items, _) = await FeedPageAsync(Client, null);

        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        var body = await ReadObjectAsync(single);
        Assert.Empty(body["collectorEmployers"]!.AsArray());
        Assert.Empty(body["sponsoringUnits"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Empty(JsonNode.Parse(export.Trim())!["sponsoringUnits"]!.AsArray());
        var fed = items.First(i => (string?)i["case"]?["slug"] == "older-case");
        Assert.Empty(fed["case"]!["collectorEmployers"]!.AsArray());
    }
}
