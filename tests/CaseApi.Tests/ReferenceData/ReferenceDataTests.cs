using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.ReferenceData;

public sealed class ReferenceDataTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Sectors_are_the_seventeen_of_the_design()
    {
        var body = await GetAsync("/api/v1/sectors");

        var codes = body["items"]!.AsArray().Select(s => (string?)s!["code"]).ToList();
        Assert.Equal(17, codes.Count);
        Assert.Contains("aerospace", codes);
        Assert.Contains("personal-data", codes);
        Assert.Equal(17, (int?)body["total"]);
    }

    [Fact]
    public async Task Sponsors_carry_type_and_parent()
    {
        var body = await GetAsync("/api/v1/sponsors");

        var jssd = body["items"]!.AsArray().Single(s => (string?)s!["code"] == "mss-jssd")!;
        Assert.Equal("mss", (string?)jssd["parent"]);
        Assert.Equal("intelligence-service", (string?)jssd["type"]);
        var soe = body["items"]!.AsArray().Single(s => (string?)s!["code"] == "soe")!;
        Assert.Null(soe["parent"]);
        Assert.Equal("state-owned-enterprise", (string?)soe["type"]);
    }

    [Fact]
    public async Task Policy_documents_carry_their_sector_mapping()
    {
        var body = await GetAsync("/api/v1/policy-documents");

        var documents = body["items"]!.AsArray().ToDictionary(d => (string)d!["code"]!, d => d!["sectors"]!.AsArray().Select(s => (string?)s).ToList());
        Assert.Equal(["fyp13-sei", "mic2025", "space2050"], documents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(12, documents["mic2025"].Count);
        Assert.Equal(10, documents["fyp13-sei"].Count);
        Assert.Equal(["aerospace", "space"], documents["space2050"]);
        Assert.DoesNotContain(documents.Values.SelectMany(s => s), s => s is "defense" or "government" or "personal-data");
    }

    [Fact]
    public async Task Source_lists_are_the_five_of_the_design()
    {
        var body = await GetAsync("/api/v1/source-lists");

        Assert.Equal(["csis-survey", "doj-press-releases", "eftimiades-2020", "mit-tr-china-initiative", "news-media"],
            body["items"]!.AsArray().Select(s => (string?)s!["code"]));
    }

    [Fact]
    public async Task Code_lists_hold_every_list_clients_need()
    {
        var body = await GetAsync("/api/v1/code-lists");

        Assert.Equal(8, body["activityTypes"]!.AsArray().Count);
        Assert.Equal(18, body["tradecraft"]!.AsArray().Count);
        Assert.Equal(13, body["collectorTypes"]!.AsArray().Count);
        Assert.Equal(9, body["outcomes"]!.AsArray().Count);
        Assert.Equal(8, body["victimTypes"]!.AsArray().Count);
        Assert.Equal(7, body["sourceKinds"]!.AsArray().Count);
        Assert.Equal(7, body["sponsorTypes"]!.AsArray().Count);
        Assert.Equal(17, body["sectors"]!.AsArray().Count);
        Assert.Equal(17, body["sponsors"]!.AsArray().Count);
        Assert.Equal(3, body["policyDocuments"]!.AsArray().Count);
        Assert.Equal(5, body["sourceLists"]!.AsArray().Count);
        Assert.Contains(body["usStates"]!.AsArray(), s => (string?)s!["code"] == "DC");
    }

    private async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }
}
