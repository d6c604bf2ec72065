using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

public sealed class AuthenticationTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_request_without_a_key_is_a_401_problem_with_a_challenge()
    {
        using var response = await AnonymousClient().GetAsync("/api/v1/cases", Ct);

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_key_is_accepted_as_a_bearer_token()
    {
        using var client = Api.CreateClient(key: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Api.CreateKeyAsync(Policies.Reader));

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Two_keys_on_one_request_are_refused_even_when_both_are_valid()
    {
        var client = await ClientForRoleAsync(Policies.Reader);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Api.CreateKeyAsync(Policies.Editor));

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Send one credential", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_a_configured_identity_provider_is_refused_with_a_reason()
    {
        using var client = Api.CreateClient(key: null);
        // Only the shape matters here: the token is refused before anything reads it.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("no identity provider is configured", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_is_accepted_in_the_X_Api_Key_header()
    {
        var client = await ClientForRoleAsync(Policies.Reader);

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("cak_not-a-real-key-at-all-000000000000000000000")]
    [InlineData("x")]
    public async Task An_unknown_key_is_a_401_problem(string key)
    {
        using var response = await ClientWithKey(key).GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(key, problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_key_is_a_401_problem_that_says_so()
    {
        var key = await Api.CreateKeyAsync(Policies.Admin, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));

        using var response = await ClientWithKey(key).GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("expired", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_may_not_write_a_case()
    {
        var reader = await ClientForRoleAsync(Policies.Reader);

        using var response = await reader.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(), Ct);

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_editor_may_write_a_case_and_is_its_audited_actor()
    {
        var editor = await ClientForRoleAsync(Policies.Editor);

        using var response = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var actor = await WithDbAsync(db => Task.FromResult(db.AuditEvents.Single().Actor));
        var editorKey = await WithDbAsync(db => Task.FromResult(db.ApiKeys.Single(k => k.Role == Policies.Editor).Id));
        Assert.Equal(Actors.ForKey(editorKey), actor);
    }

    [Fact]
    public async Task Health_and_the_OpenAPI_document_need_no_key()
    {
        var anonymous = AnonymousClient();

        using var live = await anonymous.GetAsync("/health/live", Ct);
        using var openApi = await anonymous.GetAsync("/openapi/v1.json", Ct);
        using var swagger = await anonymous.GetAsync("/swagger/index.html", Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, swagger.StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_declares_the_key_so_Swagger_UI_can_send_it()
    {
        var document = (await AnonymousClient().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/openapi/v1.json", Ct))!;

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", (string?)scheme["type"]);
        Assert.Equal("header", (string?)scheme["in"]);
        Assert.Equal("X-Api-Key", (string?)scheme["name"]);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        // Either scheme, for every operation (the anonymous health and metrics probes are not API operations).
        Assert.Contains(document["security"]!.AsArray(), r => r!.AsObject().ContainsKey("ApiKey"));
        Assert.Contains(document["security"]!.AsArray(), r => r!.AsObject().ContainsKey("Bearer"));
        Assert.NotNull(document["paths"]!["/api/v1/cases"]!["get"]!["responses"]!["401"]);
        Assert.Null(document["paths"]!["/health/live"]);
    }

    [Fact]
    public async Task An_unknown_path_is_still_404_not_401()
    {
        using var response = await AnonymousClient().GetAsync("/api/v1/no-such-thing", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
