using System.Diagnostics;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Imports;

public sealed class LargeImportTests(CaseApiFactory api) : ImportTest(api)
{
    /// <summary>Distinct, fully populated cases: the shape of a real bulk file, not 20,000 copies of one row.</summary>
    internal static JsonObject Synthetic(int i)
    {
        var c = CaseSamples.Full($"synthetic-case-{i}");
        c["title"] = $"Synthetic case {i}";
        c["defendants"] = new JsonArray($"Defendant {i}");
        c["sentenceMonths"] = i % 240;
        return c;
    }

    [Fact]
    public async Task A_20000_row_csv_imports_in_one_go_and_reimports_as_unchanged()
    {
        const int rows = 20_000;
        var csv = Csv(Enumerable.Range(1, rows).Select(i => CsvLine(Synthetic(i))));

        var clock = Stopwatch.StartNew();
        var report = await ImportReportAsync(csv, CsvType);
        var created = clock.Elapsed;
        clock.Restart();
        var again = await ImportReportAsync(csv, CsvType);
        var unchanged = clock.Elapsed;

        AssertCounts(report, received: rows, created: rows, updated: 0, unchanged: 0, rejected: 0);
        AssertCounts(again, received: rows, created: 0, updated: 0, unchanged: rows, rejected: 0);
        Assert.Equal(rows, await CountCasesAsync());
        Assert.Equal(rows, await WithDbAsync(db => db.AuditEvents.CountAsync(e => e.EntityType == "case", Ct)));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{rows} rows, {csv.Length / 1024 / 1024.0:F1} MB CSV: created in {created.TotalSeconds:F2} s ({rows / created.TotalSeconds:F0} rows/s), " +
            $"re-imported unchanged in {unchanged.TotalSeconds:F2} s ({rows / unchanged.TotalSeconds:F0} rows/s)");
    }
}
