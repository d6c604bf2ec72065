using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

public sealed class UpdateCaseTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Put_with_the_current_etag_replaces_the_case_and_changes_the_etag()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full());
        var replacement = CaseSamples.Minimal("full-case");
        replacement["title"] = "Replaced";

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", replacement, etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag);
        var body = await ReadObjectAsync(response);
        Assert.Equal("Replaced", (string?)body["title"]);
        Assert.Null(body["summary"]);
        Assert.Empty(body["tradecraft"]!.AsArray());
        Assert.Equal((string?)created["createdAt"], (string?)body["createdAt"]);
    }

    [Fact]
    public async Task Put_without_if_match_is_428()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", CaseSamples.Minimal(), null);

        await Problems.AssertAsync(response, (HttpStatusCode)428);
    }

    [Fact]
    public async Task Put_with_a_stale_etag_is_412_and_changes_nothing()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        var first = CaseSamples.Minimal();
        first["title"] = "First";
        using var _ = await Client.PutAsync($"/api/v1/cases/{created["id"]}", first, etag);
        var second = CaseSamples.Minimal();
        second["title"] = "Second";

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", second, etag);

        await Problems.AssertAsync(response, HttpStatusCode.PreconditionFailed);
        using var current = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        Assert.Equal("First", (string?)(await ReadObjectAsync(current))["title"]);
    }

    [Fact]
    public async Task A_412_carries_the_current_etag_and_a_retry_with_it_succeeds_without_a_get()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        var first = CaseSamples.Minimal();
        first["title"] = "First";
        using var firstWrite = await Client.PutAsync($"/api/v1/cases/{created["id"]}", first, etag);
        var second = CaseSamples.Minimal();
        second["title"] = "Second";

        using var stale = await Client.PutAsync($"/api/v1/cases/{created["id"]}", second, etag);
        using var retry = await Client.PutAsync($"/api/v1/cases/{created["id"]}", second, stale.Headers.ETag);

        await Problems.AssertAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(firstWrite.Headers.ETag, stale.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("Second", (string?)(await ReadObjectAsync(retry))["title"]);
    }

    [Fact]
    public async Task Of_two_concurrent_writers_with_the_same_etag_exactly_one_wins_and_the_other_gets_412()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        var path = $"/api/v1/cases/{created["id"]}";

        for (var round = 0; round < 5; round++)
        {
            var writers = Enumerable.Range(0, 2).Select(i =>
            {
                var body = CaseSamples.Minimal();
                body["title"] = $"Writer {i} round {round}";
                return Client.PutAsync(path, body, etag);
            }).ToArray();
            var responses = await Task.WhenAll(writers);

            var statuses = responses.Select(r => r.StatusCode).Order().ToArray();
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], statuses);
            etag = responses.Single(r => r.StatusCode == HttpStatusCode.OK).Headers.ETag!;
            // The loser learns the winner's version, whichever check stopped it (If-Match, or the row version at UPDATE).
            Assert.Equal(etag, responses.Single(r => r.StatusCode == HttpStatusCode.PreconditionFailed).Headers.ETag);
            foreach (var r in responses) r.Dispose();
        }
    }

    [Fact]
    public async Task Put_if_match_star_matches_any_version()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", CaseSamples.Minimal(), EntityTagHeaderValue.Any);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Put_to_a_slug_another_case_has_is_409()
    {
        await CreateCaseAsync(CaseSamples.Minimal("taken"));
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("mine"));

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", CaseSamples.Minimal("taken"), etag);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("slug-taken", (string?)problem["code"]);
    }

    [Fact]
    public async Task Put_of_an_invalid_case_is_400_naming_the_field()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        var invalid = CaseSamples.Minimal();
        invalid["outcome"] = "executed";

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", invalid, etag);

        await Problems.AssertFieldAsync(response, "outcome");
    }

    [Fact]
    public async Task Put_to_an_unknown_case_is_404()
    {
        using var response = await Client.PutAsync($"/api/v1/cases/{Guid.NewGuid()}", CaseSamples.Minimal(), EntityTagHeaderValue.Any);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_identical_put_writes_nothing_and_keeps_the_etag()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full());

        using var response = await Client.PutAsync($"/api/v1/cases/{created["id"]}", CaseSamples.Full(), etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag);
    }
}
