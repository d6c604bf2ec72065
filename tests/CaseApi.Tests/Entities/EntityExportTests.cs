using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Entities;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;
using CsvHelper;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Entities;

/// <summary>Issue 36 item 6: exports carry the entity ids of defendants and victims, an entity export sits beside them, and a file re-imports.</summary>
public sealed class EntityExportTests(CaseApiFactory api) : ImportTest(api)
{
    private static JsonObject Naming(string slug, string[] defendants, string[]? victims = null)
    {
        var c = CaseSamples.Minimal(slug);
        c["defendants"] = new JsonArray([.. defendants.Select(d => (JsonNode)d)]);
        if (victims is not null) c["victims"] = new JsonArray([.. victims.Select(v => (JsonNode)v)]);
        return c;
    }

    private async Task<string> IdOfAsync(string slug) =>
        (await WithDbAsync(db => db.Entities.SingleAsync(e => e.Slug == slug, Ct))).Id.ToString();

    private async Task<List<Dictionary<string, string>>> CsvRowsAsync(string url)
    {
        using var reader = new StringReader(await Client.GetStringAsync(url, Ct));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        await csv.ReadAsync();
        csv.ReadHeader();
        while (await csv.ReadAsync()) rows.Add(csv.HeaderRecord!.ToDictionary(h => h, h => csv.GetField(h)!));
        return rows;
    }

    /// <summary>The rows DuckDB's own Parquet reader reads from the file (deleted afterwards), every column as text.</summary>
    private static async Task<List<string[]>> DuckRowsAsync(string path, string sql)
    {
        try
        {
            using var duck = new DuckDBConnection("Data Source=:memory:");
            await duck.OpenAsync(Ct);
            using var command = duck.CreateCommand();
            command.CommandText = string.Format(CultureInfo.InvariantCulture, sql, path);
            using var reader = await command.ExecuteReaderAsync(Ct);
            var rows = new List<string[]>();
            while (await reader.ReadAsync(Ct)) rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
            return rows;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_case_export_carries_the_entity_ids_of_defendants_and_victims_in_csv_ndjson_and_parquet()
    {
        await CreateCaseAsync(Naming("one", ["Wang Dong", "Sun Kailiang"], ["Alcoa"]));
        string[] defendants = [.. new[] { await IdOfAsync("wang-dong"), await IdOfAsync("sun-kailiang") }.Order(StringComparer.Ordinal)];
        var alcoa = await IdOfAsync("alcoa");

        var csv = Assert.Single(await CsvRowsAsync("/api/v1/cases/export?format=csv"));
        var line = (await Client.GetStringAsync("/api/v1/cases/export?format=ndjson", Ct)).Split('\n')[0];
        var picked = Assert.Single(await CsvRowsAsync("/api/v1/cases/export?format=csv&fields=slug,victimEntityIds"));
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-entity-ids-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await Client.GetByteArrayAsync("/api/v1/cases/export?format=parquet", Ct), Ct);

        Assert.Equal(string.Join(';', defendants), csv["defendantEntityIds"]);
        Assert.Equal(alcoa, csv["victimEntityIds"]);
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.Equal(defendants, json["defendantEntityIds"]!.AsArray().Select(i => (string?)i));
        Assert.Equal([alcoa], json["victimEntityIds"]!.AsArray().Select(i => (string?)i));
        Assert.Equal(["slug", "victimEntityIds"], picked.Keys);
        var row = Assert.Single(await DuckRowsAsync(path, "SELECT to_json(defendantEntityIds)::text, to_json(victimEntityIds)::text FROM read_parquet('{0}')"));
        Assert.Equal(defendants, JsonNode.Parse(row[0])!.AsArray().Select(i => (string?)i));
        Assert.Equal([alcoa], JsonNode.Parse(row[1])!.AsArray().Select(i => (string?)i));
    }

    [Fact]
    public async Task The_entity_export_lists_every_entity_with_merged_ones_in_csv_ndjson_and_parquet()
    {
        await CreateCaseAsync(Naming("one", ["Xuehua Peng", "Edward Peng"]));
        using var merged = await Client.PostAsJsonAsync("/api/v1/entities/edward-peng/merge", new { into = "xuehua-peng" }, Ct);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var survivor = await IdOfAsync("xuehua-peng");

        var csv = await CsvRowsAsync("/api/v1/entities/export");
        var ndjson = (await Client.GetStringAsync("/api/v1/entities/export?format=ndjson", Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-entities-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await Client.GetByteArrayAsync("/api/v1/entities/export?format=parquet", Ct), Ct);
        using var bad = await Client.GetAsync("/api/v1/entities/export?format=xml", Ct);

        Assert.Equal(["edward-peng", "xuehua-peng"], csv.Select(r => r["slug"]));
        Assert.Equal(survivor, csv[0]["mergedInto"]);
        Assert.Equal("Edward Peng", csv[1]["aliases"]);
        Assert.Equal(2, ndjson.Length);
        Assert.Equal(survivor, (string?)JsonNode.Parse(ndjson[0])!["mergedInto"]);
        await Problems.AssertFieldAsync(bad, "format");
        var rows = await DuckRowsAsync(path, "SELECT slug, to_json(aliases)::text, typeof(createdAt) FROM read_parquet('{0}') ORDER BY slug");
        Assert.Equal(["xuehua-peng", "[\"Edward Peng\"]", "TIMESTAMP WITH TIME ZONE"], rows[1]);
    }

    [Fact]
    public async Task A_parquet_entity_export_longer_than_a_row_group_holds_every_entity_once()
    {
        // 5,000 rows make a row group: 6,001 entities span two groups and part of a third.
        await WithDbAsync(db =>
        {
            var now = DateTimeOffset.UtcNow;
            db.Entities.AddRange(Enumerable.Range(0, 6_001).Select(i => new Entity
            {
                Id = Guid.NewGuid(), Slug = $"bulk-{i:D5}", Kind = "company", Name = $"Bulk {i:D5}",
                MatchKeys = EntityNames.MatchKeys("company", $"Bulk {i:D5}", []), CreatedAt = now, UpdatedAt = now,
            }));
            return db.SaveChangesAsync(Ct);
        });
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-entities-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await Client.GetByteArrayAsync("/api/v1/entities/export?format=parquet", Ct), Ct);

        var counts = Assert.Single(await DuckRowsAsync(path, "SELECT count(*)::text, count(DISTINCT slug)::text FROM read_parquet('{0}')"));

        Assert.Equal(["6001", "6001"], counts);
    }

    [Fact]
    public async Task An_exported_csv_and_ndjson_reimport_without_new_entities_or_links()
    {
        await CreateCaseAsync(Naming("one", ["Wang Dong", "MALLORY, Kevin"], ["Alcoa Inc."]));
        await CreateCaseAsync(Naming("two", ["Kevin Mallory"], ["Alcoa"]));
        var entities = await WithDbAsync(db => db.Entities.CountAsync(Ct));
        var links = await WithDbAsync(db => db.CaseEntityLinks.CountAsync(Ct));
        var csv = await Client.GetStringAsync("/api/v1/cases/export?format=csv", Ct);
        var ndjson = await Client.GetStringAsync("/api/v1/cases/export?format=ndjson", Ct);

        var fromCsv = await ImportReportAsync(csv, CsvType);
        var fromNdjson = await ImportReportAsync(ndjson, NdjsonType);

        AssertCounts(fromCsv, received: 2, created: 0, updated: 0, unchanged: 2, rejected: 0);
        AssertCounts(fromNdjson, received: 2, created: 0, updated: 0, unchanged: 2, rejected: 0);
        Assert.Empty(fromCsv["newEntities"]?.AsArray() ?? []);
        Assert.Equal(entities, await WithDbAsync(db => db.Entities.CountAsync(Ct)));
        Assert.Equal(links, await WithDbAsync(db => db.CaseEntityLinks.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_entity_export_as_of_a_position_before_a_merge_shows_the_entity_unmerged()
    {
        // This class does not reset the history: the rows of earlier tests are in the past too, so pick this test's own.
        await CreateCaseAsync(Naming("as-of-merge", ["Xuehua Peng", "Edward Peng"]));
        var loser = await IdOfAsync("edward-peng");
        var before = await WithDbAsync(db => CaseApi.Store.StoreVersion.ReadAsync(db, Ct));
        using var merged = await Client.PostAsJsonAsync("/api/v1/entities/edward-peng/merge", new { into = "xuehua-peng" }, Ct);

        var then = await CsvRowsAsync($"/api/v1/entities/export?asOf={before}");
        var caseThen = await CsvRowsAsync($"/api/v1/cases/export?asOf={before}&fields=slug,defendantEntityIds");

        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal("", then.Single(r => r["id"] == loser)["mergedInto"]);
        Assert.Contains(loser, caseThen.Single(r => r["slug"] == "as-of-merge")["defendantEntityIds"], StringComparison.Ordinal);
    }
}
