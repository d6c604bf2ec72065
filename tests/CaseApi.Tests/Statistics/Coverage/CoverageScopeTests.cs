using System.Net;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Statistics.Coverage;

/// <summary>The coverage answer states its scope: what it leaves out and why, and each list's cases outside its own window.</summary>
public sealed class CoverageScopeTests(CaseApiFactory api) : ApiTest(api)
{
    private const string Doj = "doj-press-releases";
    private const string Csis = "csis-survey";
    private const string Mit = "mit-tr-china-initiative";

    private Task<int> SeedAsync(int? year, params (string[] Lists, int Count)[] groups) => SeedAsync(year, "other", groups);

    private Task<int> SeedAsync(int? year, string collectorType, params (string[] Lists, int Count)[] groups) => WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var n = db.Cases.Count();
        foreach (var (lists, count) in groups)
        {
            for (var i = 0; i < count; i++, n++)
            {
                db.Cases.Add(new Case
                {
                    Id = Guid.CreateVersion7(), Slug = $"scope-{n}", Title = $"Case {n}", CollectorType = collectorType, Outcome = "charged",
                    ActivityTypes = ["espionage"], Sectors = ["aerospace"], ListedIn = lists, CreatedAt = now, UpdatedAt = now,
                    ChargedOn = year is { } y ? new DateOnly(y, 6, 1) : null, ChargedOnPrecision = year is null ? null : DatePrecision.Day,
                });
            }
        }
        return await db.SaveChangesAsync(Ct);
    });

    [Fact]
    public async Task The_population_counts_undated_cases_and_cases_outside_the_years_and_offers_the_estimate_without_windows()
    {
        await SeedAsync(2020, ([Doj], 20), ([Csis], 15), ([Mit], 10), ([Doj, Csis], 8), ([Doj, Mit], 6), ([Csis, Mit], 5), ([Doj, Csis, Mit], 3));
        await SeedAsync(2010, ([Doj, Csis], 4), ([Mit], 2));
        await SeedAsync(null, ([Doj, Mit], 3));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis},{Mit}", Ct);
        var body = await ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var population = body["population"]!;
        Assert.Equal(67L, (long)body["observed"]!);
        Assert.Equal(67L, (long)population["cases"]!);
        Assert.Equal(0L, (long)population["excluded"]!["filteredOut"]!);
        Assert.Equal(3L, (long)population["excluded"]!["undated"]!);
        Assert.Equal(6L, (long)population["excluded"]!["outsideWindows"]!);
        Assert.Equal([(Csis, 0L), (Mit, 2L)], population["outsideWindow"]!.AsArray().Select(o => ((string)o!["list"]!, (long)o["cases"]!)));
        Assert.Contains(body["notes"]!.AsArray(), n => ((string?)n)!.StartsWith($"'{Mit}' holds 2 case(s)", StringComparison.Ordinal));
        Assert.Equal(67L + 9L, (long)body["withoutWindows"]!["observed"]!);
        Assert.NotNull(body["withoutWindows"]!["headline"]);
    }

    [Fact]
    public async Task Cases_filtered_out_are_counted_apart_and_no_undated_cases_means_no_estimate_without_windows()
    {
        await SeedAsync(2020, ([Doj], 20), ([Csis], 15), ([Doj, Csis], 8));
        await SeedAsync(2020, "student", ([Doj], 5), ([Doj, Csis], 2));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis}&collectorType=other", Ct);
        var body = await ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(43L, (long)body["population"]!["cases"]!);
        Assert.Equal(7L, (long)body["population"]!["excluded"]!["filteredOut"]!);
        Assert.Null(body["withoutWindows"]);
    }

    [Fact]
    public async Task A_list_with_no_case_in_scope_is_a_422_naming_it()
    {
        await SeedAsync(2020, ([Doj], 20), ([Csis], 15), ([Doj, Csis], 8));
        await SeedAsync(2010, ([Mit], 5));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis},{Mit}&windows=common&from=2019", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"'{Mit}'", (string?)problem["title"], StringComparison.Ordinal);
    }
}
