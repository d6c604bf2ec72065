using System.Net;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Errors;

public sealed class ProblemWordingTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_write_without_If_Match_is_a_428_problem_with_a_type()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.DeleteAsync($"/api/v1/cases/{created["id"]}", null);

        var problem = await Problems.AssertAsync(response, (HttpStatusCode)428);
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-3", (string?)problem["type"]);
    }

    [Fact]
    public async Task A_patch_sent_as_application_json_is_a_415_that_asks_for_merge_patch_json()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title":"x"}""", etag, "application/json");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        var detail = (string)problem["detail"]!;
        Assert.Contains("application/merge-patch+json", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("as application/json", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_sent_as_text_is_a_415_that_asks_for_application_json()
    {
        using var response = await Client.PostAsync("/api/v1/cases", new StringContent("{}"), Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/cases?from=2019-01-01", "from")]
    [InlineData("/api/v1/cases?limit=ten", "limit")]
    [InlineData("/api/v1/stats/summary?to=last-year", "to")]
    public async Task A_query_value_that_does_not_convert_is_a_validation_problem_naming_the_parameter(string path, string parameter)
    {
        using var response = await Client.GetAsync(path, Ct);

        var problem = await Problems.AssertFieldAsync(response, parameter);
        Assert.DoesNotContain("Nullable", problem.ToJsonString(), StringComparison.Ordinal);
    }
}
