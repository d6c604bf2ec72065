using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CaseApi.Infrastructure.Logging;
using CaseApi.Tests.Infrastructure;
using Npgsql;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace CaseApi.Tests.Logging;

public sealed class OperationsLoggingTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Every_log_line_of_a_request_carries_the_traceId_its_problem_names()
    {
        var before = Api.Logs.Events.Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = new StringContent("{not json", null, "application/json") };
        request.Headers.Add("X-Request-Id", "edges-trace-1");

        using var response = await Client.SendAsync(request, Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        var lines = Api.Logs.Events.Skip(before).ToList();
        Assert.Equal("edges-trace-1", (string?)problem["traceId"]);
        Assert.Contains(lines, e => e.MessageTemplate.Text.StartsWith("Answered", StringComparison.Ordinal));
        Assert.All(lines, e => Assert.Equal("\"edges-trace-1\"", e.Properties.GetValueOrDefault("RequestId")?.ToString()));
    }

    [Theory]
    [InlineData("GET", "/api/v1/cases?limit=cak_LeakedKeyInQuery0000", null, "cak_LeakedKeyInQuery0000")]
    [InlineData("GET", "/api/v1/cases?from=cak_LeakedKeyInQuery0001", null, "cak_LeakedKeyInQuery0001")]
    [InlineData("POST", "/api/v1/cases", "{\"slug\": cak_LeakedKeyInBody00000}", "cak_LeakedKeyInBody00000")]
    [InlineData("POST", "/api/v1/cases", "{\"slug\": 12, \"title\": \"cak_LeakedKeyInBody00001\"}", "cak_LeakedKeyInBody00001")]
    public async Task A_binding_failure_is_logged_at_information_as_the_400_it_answered_and_without_the_value(
        string method, string target, string? body, string secret)
    {
        var id = $"binding-{secret[^5..]}";
        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (body is not null) request.Content = new StringContent(body, null, "application/json");
        request.Headers.Add("X-Request-Id", id);

        using var response = await Client.SendAsync(request, Ct);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True(await Api.Logs.WaitForRequestLinesAsync(Ct, id));
        var line = Api.Logs.RequestLines(id).Single();
        Assert.Equal(LogEventLevel.Information, line.Level);
        Assert.Equal("400", line.Properties["StatusCode"].ToString());
        var ofRequest = Api.Logs.Events.Where(e => e.Properties.GetValueOrDefault("RequestId")?.ToString() == $"\"{id}\"").ToList();
        Assert.All(ofRequest, e => Assert.True(e.Level < LogEventLevel.Warning, e.RenderMessage()));
        Assert.DoesNotContain(secret, Api.Logs.Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", 200, 5, null, LogEventLevel.Debug)]
    [InlineData("HEAD", 304, 5, null, LogEventLevel.Debug)]
    [InlineData("GET", 200, 1500, null, LogEventLevel.Information)]
    [InlineData("GET", 404, 5, null, LogEventLevel.Information)]
    [InlineData("POST", 201, 5, null, LogEventLevel.Information)]
    [InlineData("DELETE", 204, 5, null, LogEventLevel.Information)]
    [InlineData("GET", 503, 5, null, LogEventLevel.Error)]
    [InlineData("GET", 200, 5, "boom", LogEventLevel.Error)]
    public void A_request_line_is_debug_only_for_a_quick_successful_read(string method, int status, double ms, string? error, LogEventLevel level) =>
        Assert.Equal(level, LoggingSetup.RequestLevel(method, status, ms, error is null ? null : new InvalidOperationException(error)));

    [Fact]
    public async Task The_default_log_has_the_lines_of_writes_and_failures_but_not_of_quick_successful_reads()
    {
        await SendWithIdAsync(HttpMethod.Get, "/api/v1/sectors", "quiet-read");
        await SendWithIdAsync(HttpMethod.Get, $"/api/v1/cases/{Guid.NewGuid()}", "loud-missing");
        await SendWithIdAsync(HttpMethod.Delete, $"/api/v1/cases/{Guid.NewGuid()}", "loud-write");

        Assert.True(await Api.Logs.WaitForRequestLinesAsync(Ct, "loud-missing", "loud-write"));
        await Task.Delay(200, Ct);
        Assert.Empty(Api.Logs.RequestLines("quiet-read"));
    }

    [Fact]
    public async Task The_documented_override_writes_the_lines_of_successful_reads_again()
    {
        await using var verbose = new SettingsFactory(new()
        {
            ["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Debug",
        });
        await verbose.InitializeAsync();
        using var client = verbose.CreateClient(CaseApiFactory.AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sectors");
        request.Headers.Add("X-Request-Id", "verbose-read");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await verbose.Logs.WaitForRequestLinesAsync(Ct, "verbose-read"));
        Assert.Equal(LogEventLevel.Debug, verbose.Logs.RequestLines("verbose-read").Single().Level);
    }

    private async Task SendWithIdAsync(HttpMethod method, string path, string requestId)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await Client.SendAsync(request, Ct);
    }

    [Fact]
    public void The_development_console_line_shows_the_request_id()
    {
        var formatter = new MessageTemplateTextFormatter(LoggingSetup.DevelopmentTemplate);
        var line = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("Answered 400"),
            [new LogEventProperty("RequestId", new ScalarValue("edges-trace-2"))]);
        using var text = new StringWriter();

        formatter.Format(line, text);

        Assert.Contains("edges-trace-2 Answered 400", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_start_on_an_empty_database_logs_no_error()
    {
        var empty = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Database = $"caseapi_first_{Guid.NewGuid():N}" };
        await ServerCommandAsync($"CREATE DATABASE \"{empty.Database}\"");
        await using var fresh = new SettingsFactory(new()
        {
            ["ConnectionStrings:Cases"] = empty.ConnectionString, ["ConnectionStrings:CasesOwner"] = empty.ConnectionString,
            ["Database:SeedSample"] = "true",
        });

        await fresh.InitializeAsync();

        var errors = fresh.Logs.Events.Where(e => e.Level >= LogEventLevel.Error).Select(e => e.RenderMessage(null)).ToList();
        Assert.Empty(errors);
        Assert.Contains(fresh.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Loaded", StringComparison.Ordinal));
        await fresh.DisposeAsync();
        await ServerCommandAsync($"DROP DATABASE \"{empty.Database}\" WITH (FORCE)");
    }

    private async Task ServerCommandAsync(string sql)
    {
        await using var server = new NpgsqlConnection(Api.ConnectionString);
        await server.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, server);
        await command.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task A_busy_port_is_one_line_on_stderr_and_a_non_zero_exit()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CaseApi.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Cases"] = Api.ConnectionString, ["Database__SeedSample"] = "false", ["ASPNETCORE_ENVIRONMENT"] = "Development" },
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
    }

    private sealed class SettingsFactory(Dictionary<string, string?> settings) : CaseApiFactory
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
