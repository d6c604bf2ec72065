using System.Net;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

public sealed class RateLimitTests(TinyRateLimitFactory api) : ApiTest(api), IClassFixture<TinyRateLimitFactory>
{
    [Fact]
    public async Task A_key_over_its_budget_gets_a_429_problem_with_Retry_After_while_other_keys_go_on()
    {
        var busy = await ClientForRoleAsync(Policies.Reader);
        var other = await ClientForRoleAsync(Policies.Reader);
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await busy.GetAsync("/api/v1/sectors", Ct);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await busy.GetAsync("/api/v1/sectors", Ct);
        using var unaffected = await other.GetAsync("/api/v1/sectors", Ct);

        await Problems.AssertAsync(limited, HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
    }

    [Fact]
    public async Task A_read_of_the_past_counts_against_the_bulk_budget_and_a_point_read_of_the_present_does_not()
    {
        var reader = await ClientForRoleAsync(Policies.Reader);

        // The status of the read itself does not matter (an empty store has no position 1): the limiter runs first. The point
        // read comes while the bulk budget is spent and before the request budget (3) is: a refusal takes more of that.
        using var past = await reader.GetAsync("/api/v1/cases/some-case?asOf=1", Ct);
        using var present = await reader.GetAsync("/api/v1/cases/some-case", Ct);
        using var pastAgain = await reader.GetAsync("/api/v1/cases/some-case?release=v1", Ct);

        Assert.NotEqual(HttpStatusCode.TooManyRequests, past.StatusCode);
        await Problems.AssertAsync(pastAgain, HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.NotFound, present.StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_share_one_budget_per_address()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await ClientWithKey($"cak_guess-{i}-000000000000000000000000000000").GetAsync("/api/v1/cases", Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Health_probes_answer_after_their_address_has_spent_its_budget()
    {
        var anonymous = AnonymousClient();
        for (var i = 0; i < 5; i++) (await anonymous.GetAsync("/api/v1/sectors", Ct)).Dispose();
        using var limited = await anonymous.GetAsync("/api/v1/sectors", Ct);

        using var live = await anonymous.GetAsync("/health/live", Ct);
        using var ready = await anonymous.GetAsync("/health/ready", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_configured_origin_gets_CORS_headers_and_another_does_not()
    {
        using var allowed = await PreflightAsync(TinyRateLimitFactory.AllowedOrigin);
        using var other = await PreflightAsync("https://evil.example");

        Assert.Equal(TinyRateLimitFactory.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/cases");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        return AnonymousClient().SendAsync(request, Ct);
    }
}
