using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace CaseApi.Tests.Security;

/// <summary>The service as Production runs it: no API description, /metrics on a management port, one public origin.</summary>
public sealed class ProductionFactory : CaseApiFactory
{
    public const string Origin = "https://cases.example.org";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // A port this test server does not listen on: /metrics must not answer on the API port.
        ["Management:Port"] = "1",
        ["Http:PublicOrigin"] = Origin,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public sealed class ProductionSurfaceTests(ProductionFactory api) : ApiTest(api), IClassFixture<ProductionFactory>
{
    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task The_api_description_is_not_served_in_production_unless_configured(string path)
    {
        using var response = await AnonymousClient().GetAsync(path, Ct);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{response.StatusCode}");
    }

    [Fact]
    public async Task With_a_management_port_metrics_are_not_served_on_the_api_port_even_to_an_admin()
    {
        using var response = await Client.GetAsync("/metrics", Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Links_are_built_from_the_configured_public_origin_not_from_the_request()
    {
        await CreateCaseAsync(CaseSamples.Minimal());
        var second = CaseSamples.Minimal();
        second["slug"] = "second-case";
        await CreateCaseAsync(second);

        using var page = await Client.GetAsync("/api/v1/cases?limit=1", Ct);

        Assert.StartsWith($"<{ProductionFactory.Origin}/api/v1/cases?", page.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
    }
}

public sealed partial class ManagementSurfaceTests(CaseApiFactory api) : ApiTest(api)
{
    [GeneratedRegex("pool_name=\"([^\"]*)\"")]
    private static partial Regex PoolName();

    [Fact]
    public async Task Metrics_without_a_management_port_need_an_admin_key_and_name_pools_without_connection_details()
    {
        using var anonymous = await AnonymousClient().GetAsync("/metrics", Ct);
        using var reader = await (await ClientForRoleAsync(Policies.Reader)).GetAsync("/metrics", Ct);
        using var warm = await Client.GetAsync("/api/v1/cases?limit=1", Ct);

        using var admin = await Client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        // The test process shares the meter: the tests' own raw connections show up as pools named by their connection
        // strings. The service's pools (its statement timeouts and application names tell them apart) must not.
        var scrape = await admin.Content.ReadAsStringAsync(Ct);
        var pools = PoolName().Matches(scrape).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("caseapi", pools);
        Assert.DoesNotContain(pools,
            p => p.Contains("statement_timeout", StringComparison.Ordinal) || p.Contains("Application Name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_for_another_host_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
        request.Headers.Host = "evil.example";

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Data_responses_are_private_and_revalidated_and_a_new_keys_secret_is_never_stored()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        using var read = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        using var key = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "cache-test", role = "reader" }, Ct);

        Assert.True(read.Headers.CacheControl is { Private: true, NoCache: true, NoStore: false }, $"{read.Headers.CacheControl}");
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        Assert.True(key.Headers.CacheControl is { NoStore: true, Private: false }, $"{key.Headers.CacheControl}");
    }

    [Fact]
    public async Task The_bootstrap_keys_listed_prefix_is_not_part_of_the_operators_secret()
    {
        using var response = await Client.GetAsync("/api/v1/api-keys", Ct);

        var keys = (await ReadObjectAsync(response))["items"]!.AsArray();
        var prefix = (string)keys.Single(k => (string?)k!["name"] == ApiKeyBootstrap.KeyName)!["prefix"]!;
        Assert.Equal(ApiKeyBootstrap.ShownPrefix, prefix);
        Assert.False(CaseApiFactory.AdminKey.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cr_lf_in_the_path_cannot_start_a_line_of_the_request_log()
    {
        using var response = await Client.GetAsync("/api/v1/cases/x%0d%0aHTTP%20GET%20%2Fforged%20responded%20200", Ct);

        var lines = Api.Logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal))
            .Select(e => e.RenderMessage()).ToList();
        Assert.Contains(lines, l => l.Contains("forged", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain('\n', l));
        Assert.All(lines, l => Assert.DoesNotContain('\r', l));
    }
}
