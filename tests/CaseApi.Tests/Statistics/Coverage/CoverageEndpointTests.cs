using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Statistics.Coverage;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Statistics.Coverage;

public sealed class CoverageEndpointTests(CaseApiFactory api) : ApiTest(api)
{
    private const string Doj = "doj-press-releases";
    private const string Csis = "csis-survey";
    private const string Mit = "mit-tr-china-initiative";
    private const string News = "news-media";

    /// <summary>Loads, for each group, Count cases on exactly those Lists, charged in 2020, straight through the DbContext.</summary>
    private Task<int> SeedAsync(params (string[] Lists, int Count)[] groups) => SeedInAsync(2020, groups);

    private Task<int> SeedInAsync(int year, params (string[] Lists, int Count)[] groups) => SeedAsync(year, "other", null, groups);

    private Task<int> SeedAsync(int year, string collectorType, string? sponsor, params (string[] Lists, int Count)[] groups) => WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var n = await db.Cases.CountAsync(Ct);
        foreach (var (lists, count) in groups)
        {
            for (var i = 0; i < count; i++, n++)
            {
                db.Cases.Add(new Case
                {
                    Id = Guid.CreateVersion7(), Slug = $"case-{n}", Title = $"Case {n}", CollectorType = collectorType, Outcome = "charged",
                    ActivityTypes = ["espionage"], Sectors = ["aerospace"], ListedIn = lists, CreatedAt = now, UpdatedAt = now,
                    ChargedOn = new DateOnly(year, 6, 1), ChargedOnPrecision = DatePrecision.Day, SponsorCode = sponsor,
                });
            }
        }
        return await db.SaveChangesAsync(Ct);
    });

    private async Task<JsonObject> GetCoverageAsync(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/stats/coverage?{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    [Fact]
    public async Task Two_lists_count_each_capture_pattern_ignore_cases_on_neither_and_headline_Chapman()
    {
        await SeedAsync(([Doj], 40), ([Csis], 30), ([Doj, Csis], 20), ([Doj, News], 5), ([News], 9), ([], 4));

        var body = await GetCoverageAsync($"lists={Doj},{Csis}");

        Assert.Equal(95, (long)body["observed"]!);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["01"] = 30, ["10"] = 45, ["11"] = 20 }, body["histories"]), body["histories"]!.ToJsonString());
        var expected = CaptureRecapture.EstimateChapman(CaptureHistories.FromPatterns([Doj, Csis], [new("10", 45), new("01", 30), new("11", 20)]));
        Assert.Equal("chapman", (string?)body["headline"]!["method"]);
        Assert.Equal(expected.Estimate!.Value, (double)body["headline"]!["estimate"]!, 9);
        Assert.Equal(95 / expected.Estimate.Value, (double)body["observedShare"]!["estimate"]!, 9);
        Assert.Contains("catchable population", (string?)body["interpretation"], StringComparison.Ordinal);
        Assert.NotEmpty(body["assumptions"]!.AsArray());
    }

    [Fact]
    public async Task The_same_question_at_the_same_store_version_is_answered_from_the_cache()
    {
        // Issue 33: latent-class fits cost up to seconds, so the answer is computed once per store version (ReadsStore, cached).
        await SeedAsync(([Doj], 40), ([Csis], 30), ([Mit], 25), ([News], 20), ([Doj, Csis], 12), ([Doj, Mit], 9), ([Csis, News], 8),
            ([Doj, Csis, Mit], 4), ([Doj, Csis, Mit, News], 2));
        var path = $"/api/v1/stats/coverage?lists={Doj},{Csis},{Mit},{News}";

        using var first = await Client.GetAsync(path, Ct);
        using var second = await Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("CaseApi; fwd=miss; stored", string.Join(", ", first.Headers.GetValues("Cache-Status")));
        Assert.Equal("CaseApi; hit", string.Join(", ", second.Headers.GetValues("Cache-Status")));
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await second.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_list_filters_define_the_population()
    {
        await SeedAsync(([Doj], 40), ([Csis], 30), ([Doj, Csis], 20));
        await WithDbAsync(db => db.Cases.Where(c => c.Slug == "case-0" || c.Slug == "case-40" || c.Slug == "case-70")
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Sectors, ["defense"]), Ct));

        var body = await GetCoverageAsync($"lists={Doj},{Csis}&sector=defense");

        Assert.Equal(3, (long)body["observed"]!);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["01"] = 1, ["10"] = 1, ["11"] = 1 }, body["histories"]), body["histories"]!.ToJsonString());
    }

    [Fact]
    public async Task A_bad_filter_is_a_400_naming_it()
    {
        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis}&sector=mars", Ct);

        await Problems.AssertFieldAsync(response, "sector");
    }

    [Fact]
    public async Task Pattern_digits_follow_the_order_of_the_lists_in_the_request()
    {
        await SeedAsync(([Doj], 7), ([Csis], 3), ([Doj, Csis], 2));

        var body = await GetCoverageAsync($"lists={Csis}&lists={Doj}");

        Assert.Equal(3, (long)body["histories"]!["10"]!);
        Assert.Equal(7, (long)body["histories"]!["01"]!);
        Assert.Equal([Csis, Doj], body["lists"]!.AsArray().Select(l => (string)l!));
    }

    [Fact]
    public async Task Three_lists_answer_the_module_s_analysis_with_every_model_a_headline_and_the_sensitivity()
    {
        await SeedAsync(([Doj], 61), ([Csis], 45), ([News], 52), ([Doj, Csis], 19), ([Doj, News], 23), ([Csis, News], 14),
            ([Doj, Csis, News], 7), ([Doj, Csis, News, Mit], 1), ([Mit], 11));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{News}");

        Assert.Equal(61 + 45 + 52 + 19 + 23 + 14 + 8, (long)body["observed"]!);
        var histories = new Dictionary<string, long> { ["100"] = 61, ["010"] = 45, ["001"] = 52, ["110"] = 19, ["101"] = 23, ["011"] = 14, ["111"] = 8 };
        var expected = CoverageAnalysis.Analyse(CaptureHistories.FromPatterns([Doj, Csis, News], histories));
        Assert.Equal("smoothed-aic-weights", (string?)body["headline"]!["method"]);
        Assert.Equal(expected.Headline!.Estimate!.Value, (double)body["headline"]!["estimate"]!, 6);
        Assert.Equal(17, body["models"]!.AsArray().Count);
        var saturated = body["models"]!.AsArray().Single(m => (int?)m!["df"] == 0 && (string?)m["family"] == "log-linear")!;
        Assert.Equal(0, (double)saturated["weight"]!);
        Assert.Contains(saturated["flags"]!.AsArray(), f => (string?)f!["code"] == "zero-df");
        Assert.Equal(2, body["sensitivity"]!["envelope"]!.AsArray().Count);
        Assert.Equal("common", (string?)body["population"]!["windows"]);
    }

    [Fact]
    public async Task A_list_covering_part_of_the_period_restricts_the_population_to_the_years_all_lists_cover()
    {
        // The MIT list covers 2018–2022 only: cases charged in 2010 cannot be on it, and are not counted as missed by it.
        await SeedInAsync(2010, ([Doj], 50), ([Csis], 40), ([Doj, Csis], 30));
        await SeedInAsync(2020, ([Doj], 20), ([Csis], 15), ([Mit], 12), ([Doj, Csis], 10), ([Doj, Mit], 8), ([Csis, Mit], 6), ([Doj, Csis, Mit], 5));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{Mit}");

        Assert.Equal(76, (long)body["observed"]!);
        Assert.Equal(2018, (int?)body["population"]!["from"]);
        Assert.Equal(2022, (int?)body["population"]!["to"]);
        Assert.Contains("2018–2022", (string?)body["population"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stratified_alternative_estimates_each_period_from_the_lists_that_cover_it_and_adds_them_up()
    {
        await SeedInAsync(2010, ([Doj], 50), ([Csis], 40), ([Doj, Csis], 30));
        await SeedInAsync(2020, ([Doj], 20), ([Csis], 15), ([Mit], 12), ([Doj, Csis], 10), ([Doj, Mit], 8), ([Csis, Mit], 6), ([Doj, Csis, Mit], 5));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{Mit}&windows=stratified");

        var strata = body["strata"]!.AsArray();
        var early = strata.Single(s => (int?)s!["to"] == 2017)!;
        var late = strata.Single(s => (int?)s!["from"] == 2018 && (int?)s!["to"] == 2022)!;
        Assert.Equal([Doj, Csis], early["lists"]!.AsArray().Select(l => (string)l!));
        Assert.Equal(120, (long)early["observed"]!);
        Assert.Equal([Doj, Csis, Mit], late["lists"]!.AsArray().Select(l => (string)l!));
        Assert.Equal(76, (long)late["observed"]!);
        Assert.Equal("strata-sum", (string?)body["headline"]!["method"]);
        Assert.Equal((double)early["headline"]!["estimate"]! + (double)late["headline"]!["estimate"]!, (double)body["headline"]!["estimate"]!, 6);
    }

    [Fact]
    public async Task Stratify_estimates_each_value_of_the_field_apart_and_adds_the_answers_up()
    {
        await SeedAsync(2020, "student", null, ([Doj], 61), ([Csis], 45), ([News], 52), ([Doj, Csis], 19), ([Doj, News], 23), ([Csis, News], 14),
            ([Doj, Csis, News], 7));
        await SeedAsync(2020, "researcher", null, ([Doj], 40), ([Csis], 38), ([News], 30), ([Doj, Csis], 12), ([Doj, News], 15), ([Csis, News], 9),
            ([Doj, Csis, News], 5));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{News}&stratify=collectorType");

        var strata = body["strata"]!.AsArray();
        Assert.Equal(["researcher", "student"], strata.Select(s => (string?)s!["value"]));
        Assert.Equal([149L, 221L], strata.Select(s => (long)s!["observed"]!));
        Assert.Equal(370, (long)body["observed"]!);
        Assert.Equal("strata-sum", (string?)body["headline"]!["method"]);
        Assert.Equal(strata.Sum(s => (double)s!["headline"]!["estimate"]!), (double)body["headline"]!["estimate"]!, 6);
        Assert.Contains("collectorType", (string?)body["population"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stratify_by_sponsor_type_puts_cases_without_a_sponsor_under_unknown_and_names_a_sparse_stratum()
    {
        await SeedAsync(2020, "other", "mss", ([Doj], 61), ([Csis], 45), ([News], 52), ([Doj, Csis], 19), ([Doj, News], 23), ([Csis, News], 14),
            ([Doj, Csis, News], 7));
        await SeedAsync(2020, "other", null, ([Doj], 6), ([Csis], 5), ([News], 4), ([Doj, Csis], 2), ([Doj, News], 2), ([Csis, News], 1),
            ([Doj, Csis, News], 1));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{News}&stratify=sponsorType");

        Assert.Equal(["intelligence-service", "unknown"], body["strata"]!.AsArray().Select(s => (string?)s!["value"]));
        Assert.Contains(body["notes"]!.AsArray(), n => ((string?)n)!.StartsWith("unknown holds only 21 case(s)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stratify=sector")]
    [InlineData("stratify=decade&windows=stratified")]
    public async Task Stratify_on_a_list_field_or_with_stratified_windows_is_a_400_naming_stratify(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis}&{query}", Ct);

        await Problems.AssertFieldAsync(response, "stratify");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("one-list-only")]
    [InlineData("zero-overlap")]
    public async Task Data_without_overlaps_is_a_422_problem_that_says_what_is_missing(string shape)
    {
        (string[], int)[] seed = shape switch
        {
            "empty" => [([News], 3)],
            "one-list-only" => [([Doj], 12)],
            _ => [([Doj], 12), ([Csis], 9), ([News], 4)],
        };
        await SeedAsync(seed);

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis},{Mit}", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
    }

    [Fact]
    public async Task A_list_with_no_case_in_scope_is_a_422_naming_it_even_when_the_others_could_answer()
    {
        await SeedAsync(([Doj], 61), ([Csis], 45), ([Doj, Csis], 19));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis},{Mit}", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"'{Mit}'", (string?)problem["title"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handful_of_cases_gets_an_answer_not_a_server_error()
    {
        await SeedAsync(([Doj], 2), ([Csis], 1), ([Doj, Csis], 1), ([Doj, News], 1));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis},{News}", Ct);

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
    }

    [Theory]
    [InlineData("lists=doj-press-releases")]
    [InlineData("")]
    [InlineData("lists=doj-press-releases,no-such-list")]
    [InlineData("lists=doj-press-releases,doj-press-releases")]
    [InlineData("lists=a1,a2,a3,a4,a5,a6")]
    public async Task Fewer_than_two_more_than_five_an_unknown_or_a_repeated_list_is_400_naming_lists(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/stats/coverage?{query}", Ct);

        await Problems.AssertFieldAsync(response, "lists");
    }

    [Fact]
    public async Task An_unknown_windows_value_is_400_naming_windows()
    {
        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis}&windows=some", Ct);

        await Problems.AssertFieldAsync(response, "windows");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_parameters_the_new_fields_and_the_problems()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);

        var document = await ReadObjectAsync(response);
        var operation = document["paths"]!["/api/v1/stats/coverage"]!["get"]!;
        var parameters = operation["parameters"]!.AsArray().Select(p => (string?)p!["name"]).ToList();
        Assert.Contains("lists", parameters);
        Assert.Contains("windows", parameters);
        Assert.Contains("stratify", parameters);
        Assert.Contains("listedIn", parameters);
        Assert.NotNull(operation["responses"]!["400"]);
        Assert.NotNull(operation["responses"]!["422"]);
        var fit = document["components"]!["schemas"]!["CoverageModelFit"]!["properties"]!.AsObject();
        Assert.All(fit, p => Assert.False(string.IsNullOrWhiteSpace((string?)p.Value!["description"]), p.Key));
    }
}
