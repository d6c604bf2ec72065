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

    /// <summary>Loads, for each group, Count cases on exactly those Lists, straight through the DbContext.</summary>
    private Task<int> SeedAsync(params (string[] Lists, int Count)[] groups) => WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var n = 0;
        foreach (var (lists, count) in groups)
        {
            for (var i = 0; i < count; i++, n++)
            {
                db.Cases.Add(new Case
                {
                    Id = Guid.CreateVersion7(), Slug = $"case-{n}", Title = $"Case {n}", CollectorType = "other", Outcome = "charged",
                    ActivityTypes = ["espionage"], Sectors = ["aerospace"], ListedIn = lists, CreatedAt = now, UpdatedAt = now,
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

    private static JsonObject Method(JsonObject body, string method) =>
        body["estimates"]!.AsArray().Single(e => (string?)e!["method"] == method)!.AsObject();

    [Fact]
    public async Task Two_lists_count_each_capture_pattern_and_ignore_cases_on_neither()
    {
        await SeedAsync(([Doj], 40), ([Csis], 30), ([Doj, Csis], 20), ([Doj, News], 5), ([News], 9), ([], 4));

        var body = await GetCoverageAsync($"lists={Doj},{Csis}");

        Assert.Equal(95, (long)body["observed"]!);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["01"] = 30, ["10"] = 45, ["11"] = 20 }, body["histories"]), body["histories"]!.ToJsonString());
        var expected = CaptureRecapture.EstimateChapman(CaptureHistories.FromPatterns([Doj, Csis], [new("10", 45), new("01", 30), new("11", 20)]));
        var chapman = Method(body, CaptureRecapture.Chapman);
        Assert.Equal(expected.Estimate!.Value, (double)chapman["estimate"]!, 9);
        Assert.Equal(expected.Ci95![0]!.Value, (double)chapman["ci95"]![0]!, 9);
        Assert.Equal(expected.Ci95[1]!.Value, (double)chapman["ci95"]![1]!, 9);
        Assert.Equal(95 / expected.Estimate.Value, (double)body["coverage"]![CaptureRecapture.Chapman]!, 9);
        Assert.NotNull(Method(body, CaptureRecapture.ChaoLowerBound)["estimate"]);
        Assert.NotEmpty(body["assumptions"]!.AsArray());
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
    public async Task Three_lists_give_every_pattern_and_the_log_linear_estimate_of_the_module()
    {
        await SeedAsync(([Doj], 61), ([Csis], 45), ([Mit], 52), ([Doj, Csis], 19), ([Doj, Mit], 23), ([Csis, Mit], 14),
            ([Doj, Csis, Mit], 7), ([Doj, Csis, Mit, News], 1), ([News], 11));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{Mit}");

        Assert.Equal(61 + 45 + 52 + 19 + 23 + 14 + 8, (long)body["observed"]!);
        var histories = new Dictionary<string, long> { ["100"] = 61, ["010"] = 45, ["001"] = 52, ["110"] = 19, ["101"] = 23, ["011"] = 14, ["111"] = 8 };
        Assert.Equal(histories.OrderBy(h => h.Key, StringComparer.Ordinal), body["histories"]!.AsObject().Select(h => KeyValuePair.Create(h.Key, (long)h.Value!)));
        var expected = CaptureRecapture.EstimateLogLinear(CaptureHistories.FromPatterns([Doj, Csis, Mit], histories));
        var logLinear = Method(body, CaptureRecapture.LogLinear);
        Assert.Equal(expected.Estimate!.Value, (double)logLinear["estimate"]!, 6);
        Assert.Equal(expected.Model, (string?)logLinear["model"]);
        Assert.Equal(5, logLinear["models"]!.AsArray().Count);
        Assert.Null(body["estimates"]!.AsArray().FirstOrDefault(e => (string?)e!["method"] == CaptureRecapture.Chapman));
    }

    [Fact]
    public async Task No_defined_method_is_a_422_problem_that_says_why()
    {
        await SeedAsync(([Doj], 12), ([Csis], 9));

        using var response = await Client.GetAsync($"/api/v1/stats/coverage?lists={Doj},{Csis}", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("m = 0", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("f2 = 0", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undefined_method_is_null_with_a_note_while_the_others_answer()
    {
        // Three lists, no case on exactly two of them: Chao is undefined, the log-linear models are not.
        await SeedAsync(([Doj], 30), ([Csis], 20), ([Mit], 25), ([Doj, Csis, Mit], 6));

        var body = await GetCoverageAsync($"lists={Doj},{Csis},{Mit}");

        var chao = Method(body, CaptureRecapture.ChaoLowerBound);
        Assert.Null(chao["estimate"]);
        Assert.Single(chao["notes"]!.AsArray());
        Assert.Null(body["coverage"]![CaptureRecapture.ChaoLowerBound]);
    }

    [Theory]
    [InlineData("lists=doj-press-releases")]
    [InlineData("")]
    [InlineData("lists=doj-press-releases,no-such-list")]
    [InlineData("lists=doj-press-releases,doj-press-releases")]
    public async Task Fewer_than_two_lists_an_unknown_or_a_repeated_list_is_400_naming_lists(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/stats/coverage?{query}", Ct);

        await Problems.AssertFieldAsync(response, "lists");
    }

    [Fact]
    public async Task Capture_histories_are_counted_in_one_grouped_statement_that_can_use_the_array_index()
    {
        var sql = await WithDbAsync(db => Task.FromResult(CoverageEndpoints.HistoryQuery(db.Cases, [Doj, Csis, Mit]).ToQueryString()));

        Assert.DoesNotContain(";", sql, StringComparison.Ordinal);
        Assert.Contains("WHERE c.listed_in && @codes", sql, StringComparison.Ordinal);
        Assert.Contains("listed_in @> ARRAY['mit-tr-china-initiative']", sql, StringComparison.Ordinal);
        Assert.Contains("GROUP BY", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_lists_parameter_and_the_problems()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);

        var operation = (await ReadObjectAsync(response))["paths"]!["/api/v1/stats/coverage"]!["get"]!;
        Assert.Equal("lists", (string?)operation["parameters"]![0]!["name"]);
        Assert.NotNull(operation["responses"]!["400"]);
        Assert.NotNull(operation["responses"]!["422"]);
    }
}
