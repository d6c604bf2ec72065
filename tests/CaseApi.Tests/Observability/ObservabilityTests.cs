using System.Net;
using CaseApi.Infrastructure.Observability;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Observability;

public sealed class ObservabilityTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Metrics_exposes_request_latency_and_database_timings_in_prometheus_format()
    {
        using var list = await Client.GetAsync("/api/v1/cases", Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var text = await ScrapeUntilAsync("http_server_request_duration_seconds_bucket", "db_client_operation_duration_seconds_bucket");

        Assert.Matches("(?m)^http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/v1/cases/\"", text);
        Assert.Matches("(?m)^db_client_operation_duration_seconds_count\\{[^}]*\\} [1-9]", text);
    }

    [Fact]
    public async Task Metrics_are_served_as_prometheus_text()
    {
        using var response = await Client.GetAsync(ObservabilitySetup.MetricsPath, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_container_healthcheck_command_succeeds_against_a_ready_service_and_fails_without_one()
    {
        var port = Client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var ready = await HealthProbe.RunAsync(port);
        var nobody = await HealthProbe.RunAsync("1");

        Assert.Equal(0, ready);
        Assert.Equal(1, nobody);
    }

    /// <summary>The exporter caches a scrape briefly; metrics recorded just before may show up one scrape later.</summary>
    private async Task<string> ScrapeUntilAsync(params string[] expected)
    {
        var text = "";
        for (var attempt = 0; attempt < 20; attempt++)
        {
            text = await Client.GetStringAsync(ObservabilitySetup.MetricsPath, Ct);
            if (expected.All(e => text.Contains(e, StringComparison.Ordinal))) return text;
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"/metrics never showed {string.Join(", ", expected)}:\n{text[..Math.Min(text.Length, 3000)]}");
        return text;
    }
}
