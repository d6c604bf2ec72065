using System.Net;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Entities;

/// <summary>Issue 36, done when: the bundled sample's defendants and victims are entities, with aliases where sources differ.</summary>
public sealed class SampleEntitiesTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Every_sample_defendant_and_victim_is_linked_to_an_entity()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);

        var (names, links) = await WithDbAsync(db => Task.FromResult((
            db.Cases.AsEnumerable().Sum(c => c.Defendants.Distinct().Count() + c.Victims.Distinct().Count()),
            db.CaseEntityLinks.Count())));

        Assert.True(names > 0);
        Assert.Equal(names, links);
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
