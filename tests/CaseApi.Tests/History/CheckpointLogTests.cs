using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>The periodic checkpoint log line, on a clock the test moves.</summary>
public sealed class CheckpointLogTests(FakeClockFactory api) : HistoryTest(api), IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task Every_interval_the_log_gets_the_newest_checkpoint()
    {
        await CreateCaseAsync(CaseSamples.Minimal("logged-checkpoint"));
        var checkpoint = (string)(await Client.GetFromJsonAsync<JsonObject>("/api/v1/audit/checkpoint", Ct))!["checkpoint"]!;
        bool Logged() => Api.Logs.Events.Any(e => e.MessageTemplate.Text.StartsWith("History checkpoint", StringComparison.Ordinal)
            && e.Properties["Checkpoint"].ToString() == $"\"{checkpoint}\"");
        var loggedBefore = Logged();

        ((FakeClockFactory)Api).Time.Advance(TimeSpan.FromMinutes(60));
        // The timer fires on the service's own thread: wait (bounded) for its line, not for time to pass.
        var waited = Stopwatch.StartNew();
        while (!Logged() && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20, Ct);

        Assert.False(loggedBefore);
        Assert.True(Logged(), Api.Logs.Text());
    }
}
