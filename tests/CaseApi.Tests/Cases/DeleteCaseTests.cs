using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

public sealed class DeleteCaseTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Delete_with_the_current_etag_is_204_and_the_case_is_gone()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.DeleteAsync($"/api/v1/cases/{created["id"]}", etag);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var after = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Delete_without_if_match_is_428_and_with_a_stale_one_412_and_the_case_stays()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        using var missing = await Client.DeleteAsync($"/api/v1/cases/{created["id"]}", null);
        using var stale = await Client.DeleteAsync($"/api/v1/cases/{created["id"]}", new EntityTagHeaderValue("\"1\""));

        await Problems.AssertAsync(missing, (HttpStatusCode)428);
        await Problems.AssertAsync(stale, HttpStatusCode.PreconditionFailed);
        using var after = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Delete_of_an_unknown_case_is_404()
    {
        using var response = await Client.DeleteAsync($"/api/v1/cases/{Guid.NewGuid()}", EntityTagHeaderValue.Any);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_malformed_if_match_is_400()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/cases/{created["id"]}");
        request.Headers.TryAddWithoutValidation("If-Match", "not-quoted");

        using var response = await Client.SendAsync(request, Ct);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }
}
