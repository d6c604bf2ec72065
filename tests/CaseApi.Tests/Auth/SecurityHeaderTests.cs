using System.Net;
using System.Net.Http.Json;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Auth;

public sealed class SecurityHeaderTests(CaseApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("/api/v1/sectors", true)]
    [InlineData("/api/v1/cases", false)]
    [InlineData("/health/live", false)]
    public async Task Responses_carry_the_security_headers_and_no_Server_header(string path, bool withKey)
    {
        using var response = await (withKey ? Client : AnonymousClient()).GetAsync(path, Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Empty(response.Headers.Server);
    }

    [Fact]
    public async Task CORS_is_off_unless_origins_are_configured()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/cases");
        request.Headers.Add("Origin", "https://anywhere.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        using var response = await AnonymousClient().SendAsync(request, Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_incoming_request_id_is_echoed_and_is_the_id_in_the_audit_row_the_request_log_and_problems()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(CaseSamples.Minimal()) };
        create.Headers.Add("X-Request-Id", "trace-me-123");
        using var missing = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{Guid.NewGuid()}");
        missing.Headers.Add("X-Request-Id", "trace-me-404");

        using var created = await Client.SendAsync(create, Ct);
        using var notFound = await Client.SendAsync(missing, Ct);

        Assert.Equal("trace-me-123", created.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal("trace-me-123", await WithDbAsync(db => db.AuditEvents.Select(e => e.RequestId).SingleAsync(Ct)));
        Assert.Equal("trace-me-404", (string?)(await Problems.AssertAsync(notFound, HttpStatusCode.NotFound))["traceId"]);
        Assert.True(await Api.Logs.WaitForRequestLinesAsync(Ct, "trace-me-123"));
    }

    [Theory]
    [InlineData("abc<script>alert(1)</script>", "abcscriptalert1script")]
    [InlineData("  spaced id  ", "spacedid")]
    public async Task An_incoming_request_id_is_sanitised(string sent, string kept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sectors");
        request.Headers.TryAddWithoutValidation("X-Request-Id", sent);

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(kept, response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task A_long_request_id_is_cut_to_64_characters_and_a_missing_one_is_generated()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sectors");
        request.Headers.Add("X-Request-Id", new string('a', 5000));

        using var longId = await Client.SendAsync(request, Ct);
        using var noId = await Client.GetAsync("/api/v1/sectors", Ct);

        Assert.Equal(new string('a', 64), longId.Headers.GetValues("X-Request-Id").Single());
        Assert.False(string.IsNullOrEmpty(noId.Headers.GetValues("X-Request-Id").Single()));
    }
}
