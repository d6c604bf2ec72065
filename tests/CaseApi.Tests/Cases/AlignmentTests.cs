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

    private async Task SeedDatedAsync()
    {
        (string Slug, string? Start, string? Charged)[] seeds = [("early", "1999", null), ("mid", "2012-03", null), ("late", null, "2019"), ("undated", null, null)];
        foreach (var (slug, start, charged) in seeds)
        {
            var request = CaseSamples.Minimal(slug);
            if (start is not null) request["activityStart"] = start;
            if (charged is not null) request["chargedOn"] = charged;
            await CreateCaseAsync(request);
        }
    }

    [Fact]
    public async Task Dated_alignment_counts_only_documents_published_in_a_year_before_the_case_began()
    {
        await SeedDatedAsync();

        var bySectors = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/summary", Ct);
        var dated = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/summary?alignment=dated", Ct);
        var listed = await Client.GetFromJsonAsync<JsonObject>("/api/v1/cases?aligned=true&alignment=dated", Ct);
        var documents = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/policy-alignment?alignment=dated", Ct);
        var grouped = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/cases?groupBy=aligned&alignment=dated", Ct);

        Assert.Equal(4, (int)bySectors!["policyAligned"]!["count"]!);
        Assert.Equal(2, (int)dated!["policyAligned"]!["count"]!);
        Assert.Equal(["late", "mid"], listed!["items"]!.AsArray().Select(c => (string?)c!["slug"]).Order());
        var count = documents!["documents"]!.AsArray().ToDictionary(d => (string)d!["code"]!, d => (int)d!["count"]!);
        Assert.Equal(1, count["mic2025"]);
        Assert.Equal(1, count["fyp13-sei"]);
        Assert.Equal(2, count["space2050"]);
        Assert.Equal(2, (int)documents["anyDocument"]!["count"]!);
        Assert.Equal(2, grouped!["rows"]!.AsArray().Single(r => (bool?)r!["aligned"] == true)!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_alignment_is_400_naming_it()
    {
        using var response = await Client.GetAsync("/api/v1/stats/summary?alignment=published", Ct);

        await Problems.AssertFieldAsync(response, "alignment");
    }
}
