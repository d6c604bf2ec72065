using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.ReferenceData;

public sealed class ReferenceAdminTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Put_creates_a_sector_with_201_then_replaces_it_with_200_and_audits_both()
    {
        using var created = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = "Quantum", description = "Qubits" }, Ct);
        using var replaced = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = "Quantum computing", description = "Qubits" }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("Quantum computing", (string?)(await ReadObjectAsync(replaced))["name"]);
        var events = await WithDbAsync(db => db.AuditEvents.OrderBy(e => e.Id).ToListAsync(Ct));
        Assert.All(events, e => Assert.Equal(("reference-update", "sector", "quantum"), (e.Action, e.EntityType, e.EntityId)));
        Assert.Equal("Quantum computing", events[1].Changes!.RootElement.GetProperty("name").GetProperty("to").GetString());
        Assert.Equal("Quantum", events[1].Changes!.RootElement.GetProperty("name").GetProperty("from").GetString());
        Assert.False(events[1].Changes!.RootElement.TryGetProperty("description", out _));
    }

    [Fact]
    public async Task A_new_sector_can_be_used_by_a_case_at_once()
    {
        using var created = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = "Quantum" }, Ct);
        var request = CaseSamples.Minimal();
        request["sectors"] = new JsonArray("quantum");

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_sector_a_case_names_is_409_and_an_unused_one_is_204()
    {
        await CreateCaseAsync(CaseSamples.Minimal());
        using var unused = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = "Quantum" }, Ct);

        using var inUse = await Client.DeleteAsync("/api/v1/sectors/aerospace", Ct);
        using var deleted = await Client.DeleteAsync("/api/v1/sectors/quantum", Ct);
        using var again = await Client.DeleteAsync("/api/v1/sectors/quantum", Ct);

        var problem = await Problems.AssertAsync(inUse, HttpStatusCode.Conflict);
        Assert.Contains("1 case", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Problems.AssertAsync(again, HttpStatusCode.NotFound);
        Assert.True(await WithDbAsync(db => db.Sectors.AnyAsync(s => s.Code == "aerospace", Ct)));
    }

    [Fact]
    public async Task Deleting_a_sector_a_policy_document_names_is_409()
    {
        using var response = await Client.DeleteAsync("/api/v1/sectors/robotics", Ct);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Deleting_a_sponsor_a_case_names_or_with_children_is_409()
    {
        var request = CaseSamples.Minimal();
        request["sponsor"] = "soe";
        await CreateCaseAsync(request);

        using var named = await Client.DeleteAsync("/api/v1/sponsors/soe", Ct);
        using var parent = await Client.DeleteAsync("/api/v1/sponsors/mss", Ct);
        using var leaf = await Client.DeleteAsync("/api/v1/sponsors/mss-hainan", Ct);

        await Problems.AssertAsync(named, HttpStatusCode.Conflict);
        await Problems.AssertAsync(parent, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, leaf.StatusCode);
    }

    [Fact]
    public async Task A_sponsor_needs_a_known_type_and_parent_and_cannot_be_its_own_ancestor()
    {
        using var badType = await Client.PutAsJsonAsync("/api/v1/sponsors/new-unit", new { name = "New", type = "secret-society" }, Ct);
        using var badParent = await Client.PutAsJsonAsync("/api/v1/sponsors/new-unit", new { name = "New", type = "military", parent = "nobody" }, Ct);
        using var cycle = await Client.PutAsJsonAsync("/api/v1/sponsors/mss", new { name = "MSS", type = "intelligence-service", parent = "mss-jssd" }, Ct);
        using var good = await Client.PutAsJsonAsync("/api/v1/sponsors/new-unit", new { name = "New", type = "military", parent = "pla" }, Ct);

        await Problems.AssertFieldAsync(badType, "type");
        await Problems.AssertFieldAsync(badParent, "parent");
        await Problems.AssertFieldAsync(cycle, "parent");
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal("pla", (string?)(await ReadObjectAsync(good))["parent"]);
    }

    [Fact]
    public async Task Changing_a_policy_documents_sectors_changes_every_cases_alignment_at_once()
    {
        var request = CaseSamples.Minimal();
        request["sectors"] = new JsonArray("defense");
        var (created, _) = await CreateCaseAsync(request);
        Assert.False((bool)created["policyAligned"]!);

        using var put = await Client.PutAsJsonAsync("/api/v1/policy-documents/space2050",
            new { name = "Space Science & Technology in China: A Roadmap to 2050", sectors = new JsonArray("space", "aerospace", "defense") }, Ct);
        var after = await Client.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{created["id"]}", Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True((bool)after!["policyAligned"]!);
        Assert.True(JsonNode.DeepEquals(new JsonArray("space2050"), after["alignedPolicies"]));
        var change = await WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.EntityType == "policy-document", Ct));
        Assert.Equal(3, change.Changes!.RootElement.GetProperty("sectors").GetProperty("to").GetArrayLength());
    }

    [Fact]
    public async Task A_policy_document_naming_an_unknown_sector_is_400()
    {
        using var response = await Client.PutAsJsonAsync("/api/v1/policy-documents/mic2025", new { name = "MIC", sectors = new JsonArray("aerospace", "warp-drives") }, Ct);

        await Problems.AssertFieldAsync(response, "sectors[1]");
    }

    [Fact]
    public async Task Deleting_a_source_list_a_case_is_listed_in_is_409()
    {
        var request = CaseSamples.Minimal();
        request["listedIn"] = new JsonArray("csis-survey");
        await CreateCaseAsync(request);

        using var inUse = await Client.DeleteAsync("/api/v1/source-lists/csis-survey", Ct);
        using var unused = await Client.DeleteAsync("/api/v1/source-lists/news-media", Ct);

        await Problems.AssertAsync(inUse, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, unused.StatusCode);
    }

    [Theory]
    [InlineData("Not-Kebab")]
    [InlineData("x' OR '1'='1")]
    public async Task A_malformed_code_is_400(string code)
    {
        using var response = await Client.PutAsJsonAsync($"/api/v1/sectors/{code}", new { name = "X" }, Ct);

        await Problems.AssertFieldAsync(response, "code");
    }

    [Fact]
    public async Task A_refused_reference_edit_writes_neither_the_row_nor_an_audit_row()
    {
        using var response = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = new string('x', 201) }, Ct);

        await Problems.AssertFieldAsync(response, "name");
        Assert.Equal(0, await WithDbAsync(db => db.AuditEvents.CountAsync(Ct)));
        Assert.False(await WithDbAsync(db => db.Sectors.AnyAsync(s => s.Code == "quantum", Ct)));
    }
}
