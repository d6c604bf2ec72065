using System.Net;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Entities;

/// <summary>Issue 36, done when: the bundled sample's defendants and victims are entities, with aliases where sources differ.</summary>
public sealed class SampleEntitiesTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Every_sample_defendant_victim_employer_and_sponsoring_unit_is_linked_to_an_entity()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        var (names, links) = await WithDbAsync(db => Task.FromResult((
            db.Cases.AsEnumerable().Sum(c => new[] { c.Defendants, c.Victims, c.CollectorEmployers, c.SponsoringUnits }
                .Sum(n => n.Distinct().Count())),
            db.CaseEntityLinks.Count())));

        Assert.True(names > 0);
        Assert.Equal(names, links);
    }

    [Fact]
    public async Task The_sample_names_sponsoring_units_that_belong_to_their_sponsors_and_employers_of_collectors()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        using var jssd = await Client.GetAsync("/api/v1/entities/jiangsu-state-security-department", Ct);
        using var cases = await Client.GetAsync("/api/v1/cases?entity=jiangsu-state-security-department&fields=slug", Ct);
        using var employers = await Client.GetAsync("/api/v1/stats/entities?role=collector-employer&groupBy=sponsorType", Ct);

        var unit = await ReadObjectAsync(jssd);
        Assert.Equal(("intelligence-unit", "mss-jssd"), ((string?)unit["kind"], (string?)unit["sponsor"]));
        Assert.Equal(["ji-chaoqun", "jssd-turbofan", "yanjun-xu-ge-aviation"],
            (await ReadObjectAsync(cases))["items"]!.AsArray().Select(i => (string?)i!["slug"]).Order(StringComparer.Ordinal));
        var rows = (await ReadObjectAsync(employers))["items"]!.AsArray().Select(i => ((string?)i!["slug"], (string?)i["sponsorType"])).ToList();
        Assert.Contains(("huaying-haitai", "intelligence-service"), rows);
        Assert.Contains(("beijing-dabeinong-technology-group", "private-company"), rows);
        Assert.Equal(0, await WithDbAsync(db => Task.FromResult(db.Entities.Count(e => e.Slug.StartsWith("jiangsu-state-security-department-")))));
    }

    [Fact]
    public async Task A_sample_alias_finds_its_person_and_a_victim_hit_twice_has_two_cases()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        using var alias = await Client.GetAsync("/api/v1/entities?q=Dickson%20Yeo", Ct);
        using var monsanto = await Client.GetAsync("/api/v1/entities/monsanto/cases", Ct);

        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        Assert.Equal("jun-wei-yeo", (string?)Assert.Single((await ReadObjectAsync(alias))["items"]!.AsArray())!["slug"]);
        Assert.Equal(2, (int)(await ReadObjectAsync(monsanto))["total"]!);
    }
}
