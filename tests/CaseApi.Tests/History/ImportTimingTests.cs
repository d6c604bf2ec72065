using System.Diagnostics;
using System.Net;
using System.Text;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>What the history costs an import: the same file with the history's triggers on and off (timings reported, never asserted).</summary>
public sealed class ImportTimingTests(CaseApiFactory api) : HistoryTest(api)
{
    private static string Triggers(string toggle) =>
        $"ALTER TABLE cases {toggle} TRIGGER history_insert; ALTER TABLE cases {toggle} TRIGGER history_update; "
        + $"ALTER TABLE audit_events {toggle} TRIGGER history_insert;";

    [Fact]
    public async Task An_import_with_history_writes_one_commit_and_the_cost_is_reported()
    {
        const int rows = 5_000;
        var times = new List<string>();
        try
        {
            foreach (var (run, history) in new[] { (1, false), (2, true), (3, false), (4, true) })
            {
                await ExecuteAsync(Api.ConnectionString, Triggers(history ? "ENABLE" : "DISABLE"));
                var csv = string.Join("\r\n", ["slug,title,activityTypes,collectorType,sectors,outcome,summary",
                    .. Enumerable.Range(1, rows).Select(i =>
                        $"run-{run}-{i},Case {i},economic-espionage,private-company-employee,energy,charged,Summary {i}")]);
                var clock = Stopwatch.StartNew();
                using var response = await Client.PostAsync("/api/v1/imports", new StringContent(csv + "\r\n", Encoding.UTF8, "text/csv"), Ct);
                times.Add($"{(history ? "with" : "without")} history: {clock.Elapsed.TotalSeconds:F2} s");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            await ExecuteAsync(Api.ConnectionString, Triggers("ENABLE"));
        }

        var commits = await ScalarAsync<long>(Api.ConnectionString, "SELECT count(*) FROM history_commits");
        Assert.Equal(2, commits);
        TestContext.Current.TestOutputHelper?.WriteLine($"{rows} rows per import: {string.Join("; ", times)}");
    }
}
