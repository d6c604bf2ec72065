using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Cases;

/// <summary>policyAligned and alignedPolicies are derived from the policy-to-sector mapping when read.</summary>
public sealed class AlignmentTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task An_aerospace_case_aligns_with_all_three_documents()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        Assert.True((bool?)created["policyAligned"]);
        Assert.Equal(["fyp13-sei", "mic2025", "space2050"], created["alignedPolicies"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public async Task A_defense_only_case_aligns_with_none()
    {
        var request = CaseSamples.Minimal();
        request["sectors"] = new JsonArray("defense");

        var (created, _) = await CreateCaseAsync(request);

        Assert.False((bool?)created["policyAligned"]);
        Assert.Empty(created["alignedPolicies"]!.AsArray());
    }

    [Fact]
    public async Task A_nuclear_case_aligns_only_with_the_five_year_plan()
    {
        var request = CaseSamples.Minimal();
        request["sectors"] = new JsonArray("nuclear", "defense");

        var (created, _) = await CreateCaseAsync(request);

        Assert.Equal(["fyp13-sei"], created["alignedPolicies"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public async Task Alignment_follows_the_mapping_when_it_changes()
    {
        var request = CaseSamples.Minimal();
        request["sectors"] = new JsonArray("defense");
        var (created, _) = await CreateCaseAsync(request);

        await WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO policy_document_sectors (policy_code, sector_code) VALUES ('mic2025', 'defense')", Ct));
        using var response = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.True((bool?)body!["policyAligned"]);
        Assert.Equal(["mic2025"], body["alignedPolicies"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public async Task Alignment_is_not_a_stored_column()
    {
        var columns = await WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = 'cases'")
            .ToListAsync(Ct));

        Assert.DoesNotContain(columns, c => c.Contains("align", StringComparison.Ordinal) || c.Contains("polic", StringComparison.Ordinal));
        Assert.Contains("sectors", columns);
    }
}
