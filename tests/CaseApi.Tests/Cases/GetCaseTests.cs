using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

public sealed class GetCaseTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_case_is_found_by_id_and_by_slug_with_the_same_etag()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("by-slug"));

        using var byId = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        using var bySlug = await Client.GetAsync("/api/v1/cases/by-slug", Ct);

        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bySlug.StatusCode);
        Assert.Equal(etag, byId.Headers.ETag);
        Assert.Equal(etag, bySlug.Headers.ETag);
        Assert.Equal((string?)created["id"], (string?)(await ReadObjectAsync(bySlug))["id"]);
    }

    [Theory]
    [InlineData("no-such-case")]
    [InlineData("0197a000-0000-7000-8000-000000000000")]
    public async Task An_unknown_case_is_a_404_problem(string idOrSlug)
    {
        using var response = await Client.GetAsync($"/api/v1/cases/{idOrSlug}", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(idOrSlug, (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task If_none_match_with_the_current_etag_is_304()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{created["id"]}");
        request.Headers.IfNoneMatch.Add(etag);

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag);
    }

    [Fact]
    public async Task If_none_match_with_an_old_etag_returns_the_case()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{created["id"]}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\""));

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
