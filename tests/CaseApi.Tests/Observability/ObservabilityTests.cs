using System.Net;
using System.Text.RegularExpressions;
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

        // Other tests' requests may already have put some request series on the page, so wait for this route's own.
        var text = await ScrapeUntilAsync(
            "(?m)^http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/v1/cases/\"",
            "(?m)^db_client_operation_duration_seconds_count\\{[^}]*\\} [1-9]");

        Assert.Matches("(?m)^http_server_request_duration_seconds_bucket\\{[^}]*http_route=\"/api/v1/cases/\"", text);
    }

    [Fact]
    public async Task Metrics_leave_out_the_per_request_instruments_that_the_request_and_command_durations_already_answer()
    {
        using var list = await Client.GetAsync("/api/v1/cases", Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var text = await ScrapeUntilAsync("(?m)^http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/v1/cases/\"");

        Assert.DoesNotMatch(
            "(?m)^(aspnetcore_(routing|authentication|authorization|rate_limiting|memory_pool)_|http_server_active_requests|" +
            "db_client_operation_npgsql_(bytes|executing))", text);
        Assert.Matches("(?m)^db_client_connection_count", text);
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
    private async Task<string> ScrapeUntilAsync(params string[] patterns)
    {
        var text = "";
        for (var attempt = 0; attempt < 40; attempt++)
        {
            text = await Client.GetStringAsync(ObservabilitySetup.MetricsPath, Ct);
            if (patterns.All(p => Regex.IsMatch(text, p))) return text;
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"/metrics never matched {string.Join(", ", patterns)}:\n{text[..Math.Min(text.Length, 3000)]}");
        return text;
    }
}
