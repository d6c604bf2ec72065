using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Imports;

/// <summary>Every export format that has an import format re-imports as "unchanged" and loads an empty store intact.</summary>
public sealed class ExportImportRoundTripTests(CaseApiFactory api) : ImportTest(api)
{
    [Theory]
    [InlineData("csv", CsvType)]
    [InlineData("json", JsonType)]
    [InlineData("ndjson", NdjsonType)]
    [InlineData("xlsx", XlsxType)]
    public async Task An_export_re_imports_as_unchanged_with_no_write(string format, string mediaType)
    {
        var tricky = CaseSamples.Full("tricky-case");
        tricky["title"] = "Quotes \"inside\", commas, and; semicolons";
        tricky["summary"] = "Line one,\r\nline two with \"quotes\".\nLine three.";
        tricky["fineUsd"] = 0.01m;
        tricky["lossUsd"] = 123456789.5m;
        await CreateCaseAsync(tricky);
        await CreateCaseAsync(CaseSamples.Minimal("minimal-case"));
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        await CreateCaseAsync(CaseSamples.Full("after-the-sample"));
        var before = await WithDbAsync(db => db.Cases.OrderBy(c => c.Slug).Select(c => new { c.Slug, c.Version }).ToListAsync(Ct));
        var auditRows = await WithDbAsync(db => db.AuditEvents.CountAsync(Ct));

        var export = await Client.GetByteArrayAsync($"/api/v1/cases/export?format={format}", Ct);
        var report = await ImportReportAsync(export, mediaType);

        Assert.Equal(before.Count, (int)report["received"]!);
        Assert.Equal(before.Count, (int)report["unchanged"]!);
        Assert.Equal(0, (int)report["created"]!);
        Assert.Equal(0, (int)report["updated"]!);
        Assert.Equal(0, (int)report["rejected"]!);
        var after = await WithDbAsync(db => db.Cases.OrderBy(c => c.Slug).Select(c => new { c.Slug, c.Version }).ToListAsync(Ct));
        Assert.Equal(before, after);
        // Only the import's own summary row is new: no case was written, so no case audit row.
        Assert.Equal(auditRows + 1, await WithDbAsync(db => db.AuditEvents.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("csv", CsvType)]
    [InlineData("json", JsonType)]
    [InlineData("ndjson", NdjsonType)]
    [InlineData("xlsx", XlsxType)]
    public async Task An_export_loads_an_empty_store_with_every_field_intact(string format, string mediaType)
    {
        var original = CaseSamples.Full();
        original["summary"] = "Commas, \"quotes\"\nand a new line.";
        var (created, _) = await CreateCaseAsync(original);
        var export = await Client.GetByteArrayAsync($"/api/v1/cases/export?format={format}", Ct);
        await Api.ResetDatabaseAsync();

        var report = await ImportReportAsync(export, mediaType);

        Assert.Equal(1, (int)report["created"]!);
        using var response = await Client.GetAsync("/api/v1/cases/full-case", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reloaded = await ReadObjectAsync(response);
        foreach (var (name, value) in original)
        {
            Assert.True(JsonNode.DeepEquals(value, reloaded[name]), $"{name}: exported {value?.ToJsonString()}, re-imported {reloaded[name]?.ToJsonString()}");
        }
        Assert.Equal((string?)created["alignedPolicies"]!.ToJsonString(), reloaded["alignedPolicies"]!.ToJsonString());
    }

    [Fact]
    public async Task Csv_cells_that_spreadsheets_would_run_as_formulas_are_escaped_and_round_trip_unchanged()
    {
        var risky = CaseSamples.Full("formula-case");
        risky["title"] = "=HYPERLINK(\"https://evil.example\",\"click\")";
        risky["summary"] = "+1 555 0100 was called";
        risky["venue"] = "\tTabbed venue";
        risky["defendants"] = new JsonArray("-dash", "Plain Name");
        risky["victims"] = new JsonArray("@company");
        await CreateCaseAsync(risky);

        var export = await Client.GetStringAsync("/api/v1/cases/export?format=csv", Ct);
        var unchanged = await ImportReportAsync(export, CsvType);
        await Api.ResetDatabaseAsync();
        var created = await ImportReportAsync(export, CsvType);

        Assert.Contains("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\"", export, StringComparison.Ordinal);
        Assert.Contains(",'+1 555 0100 was called,", export, StringComparison.Ordinal);
        Assert.Contains(",'@company,", export, StringComparison.Ordinal);
        Assert.Contains(",'\tTabbed venue,", export, StringComparison.Ordinal);
        Assert.Contains(",'-dash;Plain Name,", export, StringComparison.Ordinal);
        AssertCounts(unchanged, received: 1, created: 0, updated: 0, unchanged: 1, rejected: 0);
        AssertCounts(created, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        using var response = await Client.GetAsync("/api/v1/cases/formula-case", Ct);
        var reloaded = await ReadObjectAsync(response);
        foreach (var field in new[] { "title", "summary", "venue", "defendants", "victims" })
        {
            Assert.True(JsonNode.DeepEquals(risky[field], reloaded[field]), $"{field}: {reloaded[field]?.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("csv", CsvType)]
    [InlineData("json", JsonType)]
    [InlineData("ndjson", NdjsonType)]
    public async Task An_id_that_contradicts_the_stored_case_of_its_slug_is_a_row_error(string format, string mediaType)
    {
        await CreateCaseAsync(CaseSamples.Full("first"));
        await CreateCaseAsync(CaseSamples.Full("second"));
        var export = await Client.GetStringAsync($"/api/v1/cases/export?format={format}", Ct);
        var ids = await WithDbAsync(db => db.Cases.OrderBy(c => c.Slug).Select(c => c.Id.ToString()).ToListAsync(Ct));
        var swapped = export.Replace(ids[0], "@@swap@@", StringComparison.Ordinal).Replace(ids[1], ids[0], StringComparison.Ordinal)
            .Replace("@@swap@@", ids[1], StringComparison.Ordinal);

        var report = await ImportReportAsync(swapped, mediaType, expected: HttpStatusCode.UnprocessableEntity);

        Assert.Equal([(1, "id"), (2, "id")], ErrorsOf(report));
        AssertCounts(report, received: 2, created: 0, updated: 0, unchanged: 0, rejected: 2);
    }
}
