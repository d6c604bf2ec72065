using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>The coverage answer says how many of the memberships behind it carry the list's own reference.</summary>
public sealed class CoverageEvidenceTests(CaseApiFactory api) : ApiTest(api)
{
    private const string Doj = "doj-press-releases";
    private const string Csis = "csis-survey";
    private const string News = "news-media";

    private Task<int> SeedAsync(params (string[] Lists, ListEvidence[] Evidence, int Count, int Year)[] groups) => WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var n = 0;
        foreach (var (lists, evidence, count, year) in groups)
        {
            for (var i = 0; i < count; i++, n++)
            {
                db.Cases.Add(new Case
                {
                    Id = Guid.CreateVersion7(), Slug = $"case-{n}", Title = $"Case {n}", CollectorType = "other", Outcome = "charged",
                    ActivityTypes = ["espionage"], Sectors = ["aerospace"], ListedIn = lists, ListEvidence = [.. evidence],
                    CreatedAt = now, UpdatedAt = now, ChargedOn = new DateOnly(year, 6, 1), ChargedOnPrecision = DatePrecision.Day,
                });
            }
        }
        return await db.SaveChangesAsync(Ct);
    });

    [Fact]
    public async Task Evidence_counts_each_membership_of_the_named_lists_and_its_reference_per_list()
    {
        ListEvidence[] both = [new(Doj, "DOJ-1", "rule", "doj-url-rule"), new(Csis, "https://www.csis.org/x", "manual", "analyst")];
        await SeedAsync(
            ([Doj, Csis], both, 10, 2020),
            ([Doj], [new(Doj, MatchMethod: "manual")], 20, 2020),
            ([Csis], [], 15, 2020),
            ([Doj, News], [new(News, "N-1", "manual")], 5, 2020),
            ([Doj, Csis], both, 7, 1990));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evidence = (await ReadObjectAsync(response))["evidence"]!;
        // 1990 is before the CSIS survey's coverage, so those cases are outside the population; news-media is not analysed.
        var expected = JsonNode.Parse($$"""
            {
              "memberships": 60, "withReference": 20, "manual": 30, "rule": 10,
              "byList": [
                { "list": "{{Doj}}", "memberships": 35, "withReference": 10, "manual": 20, "rule": 10 },
                { "list": "{{Csis}}", "memberships": 25, "withReference": 10, "manual": 10, "rule": 0 }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, evidence), evidence.ToJsonString());
    }

    [Fact]
    public async Task A_list_whose_memberships_carry_no_evidence_counts_zero_references()
    {
        await SeedAsync(([Doj], [new(Doj, "DOJ-1")], 40, 2020), ([News], [], 30, 2020), ([Doj, News], [], 20, 2020));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{News}", Ct);

        var body = await ReadObjectAsync(response);
        var byList = body["evidence"]!["byList"]!.AsArray();
        Assert.Equal([Doj, News], byList.Select(e => (string)e!["list"]!));
        Assert.Equal(50, (long)byList[1]!["memberships"]!);
        Assert.Equal(0, (long)byList[1]!["withReference"]!);
        Assert.Equal(40, (long)body["evidence"]!["withReference"]!);
    }
}
