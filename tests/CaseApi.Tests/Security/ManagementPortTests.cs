using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Security;

/// <summary>
/// The management port (Management:Port) is reached past the ingress: it serves /metrics and health to anyone who reaches
/// it, with the readiness details, and nothing else, whatever key a request carries. The API port serves no metrics and
/// tells anonymous callers only the overall health.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class ManagementPortTests(ProductionProcess service) : IClassFixture<ProductionProcess>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/v1/cases")]
    [InlineData("/api/v1/stats/summary")]
    [InlineData("/api/v1/api-keys")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task The_management_port_answers_404_for_anything_but_metrics_and_health_even_to_an_admin_key(string path)
    {
        using var onApiPort = await service.Admin.GetAsync("/api/v1/cases", Ct);

        using var response = await service.ManagementAdmin.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, onApiPort.StatusCode);
        await Problems.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_management_port_serves_metrics_and_readiness_with_its_details_without_a_key()
    {
        using var metrics = await service.Management.GetAsync("/metrics", Ct);
        using var live = await service.Management.GetAsync("/health/live", Ct);
        var ready = await ReadinessAsync(service.Management);

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (string?)ready["status"]);
        Assert.NotNull(ready["checks"]?["database"]);
    }

    [Fact]
    public async Task The_api_port_serves_no_metrics_and_tells_anonymous_callers_only_the_overall_health()
    {
        using var metrics = await service.Admin.GetAsync("/metrics", Ct);
        var anonymous = await ReadinessAsync(service.Anonymous);
        var admin = await ReadinessAsync(service.Admin);

        Assert.NotEqual(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(["status"], anonymous.Select(p => p.Key));
        Assert.Equal("Healthy", (string?)anonymous["status"]);
        Assert.NotNull(admin["checks"]?["database"]);
    }

    private static async Task<JsonObject> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
    }
}
