using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Entities;

/// <summary>
/// Issue 36 item 2: a collector's employer and the sponsoring unit are roles like defendant and victim: name lists of the case
/// (collectorEmployers, sponsoringUnits) whose links follow them on every write; entities may belong to a sponsor.
/// </summary>
public sealed class EntityRoleTests(CaseApiFactory api) : ImportTest(api)
{
    private static JsonObject Naming(string slug, string[] employers, string[] units, string? sponsor = null)
    {
        var c = CaseSamples.Minimal(slug);
        c["collectorEmployers"] = new JsonArray([.. employers.Select(n => (JsonNode)n)]);
        c["sponsoringUnits"] = new JsonArray([.. units.Select(n => (JsonNode)n)]);
        if (sponsor is not null) c["sponsor"] = sponsor;
        return c;
    }

    private Task<List<string>> LinksAsync() => WithDbAsync(db => db.CaseEntityLinks
        .Join(db.Entities, l => l.EntityId, e => e.Id, (l, e) => l.Role + ":" + e.Slug + ":" + e.Kind).OrderBy(x => x).ToListAsync(Ct));

    [Fact]
    public async Task Employers_and_sponsoring_units_are_written_read_and_linked_in_their_roles()
    {
        var (created, etag) = await CreateCaseAsync(Naming("xu-yanjun", ["Example Aviation Co., Ltd."], ["Jiangsu State Security Department"]));

        Assert.Equal(["Example Aviation Co., Ltd."], created["collectorEmployers"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["Jiangsu State Security Department"], created["sponsoringUnits"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(
            ["collector-employer:example-aviation-co-ltd:company", "sponsoring-unit:jiangsu-state-security-department:intelligence-unit"],
            await LinksAsync());
        using var cases = await Client.GetAsync("/api/v1/entities/jiangsu-state-security-department/cases", Ct);
        var item = Assert.Single((await ReadObjectAsync(cases))["items"]!.AsArray());
        Assert.Equal(["sponsoring-unit"], item!["roles"]!.AsArray().Select(r => (string?)r));
        using var byEntity = await Client.GetAsync("/api/v1/cases?entity=example-aviation-co-ltd", Ct);
        Assert.Equal("xu-yanjun", (string?)Assert.Single((await ReadObjectAsync(byEntity))["items"]!.AsArray())!["slug"]);

        using var patched = await Client.MergePatchAsync("/api/v1/cases/xu-yanjun", """{"collectorEmployers": [], "sponsoringUnits": ["JIANGSU State Security Department"]}""", etag);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(["sponsoring-unit:jiangsu-state-security-department:intelligence-unit"], await LinksAsync());
    }

    [Fact]
    public async Task An_employer_name_with_several_candidates_is_422_listing_them_and_nothing_is_written()
    {
        foreach (var name in new[] { "Li Ming", "Ming Li" })
        {
            using var made = await Client.PostAsJsonAsync("/api/v1/entities", new JsonObject { ["name"] = name, ["kind"] = "person" }, Ct);
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        }

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", Naming("ambiguous-employer", ["LI, Ming"], []), Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ambiguous-name", (string?)problem["code"]);
        Assert.Contains("li-ming", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains("ming-li", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(0, await CountCasesAsync());
    }

    [Fact]
    public async Task An_entity_belongs_to_a_sponsor_by_its_code_and_an_unknown_code_is_refused()
    {
        var unit = new JsonObject { ["name"] = "Jiangsu State Security Department", ["kind"] = "intelligence-unit", ["sponsor"] = "mss-jssd" };
        var unknown = new JsonObject { ["name"] = "Nowhere Bureau", ["kind"] = "intelligence-unit", ["sponsor"] = "no-such-sponsor" };

        using var created = await Client.PostAsJsonAsync("/api/v1/entities", unit, Ct);
        using var refused = await Client.PostAsJsonAsync("/api/v1/entities", unknown, Ct);
        using var sponsorDelete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sponsors/mss-jssd");
        using var deleted = await Client.SendAsync(sponsorDelete, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("mss-jssd", (string?)(await ReadObjectAsync(created))["sponsor"]);
        await Problems.AssertFieldAsync(refused, "sponsor");
        await Problems.AssertAsync(deleted, HttpStatusCode.Conflict);
        var export = await Client.GetStringAsync("/api/v1/entities/export?format=ndjson", Ct);
        Assert.Equal("mss-jssd", (string?)JsonNode.Parse(export.Split('\n')[0])!["sponsor"]);
    }

    [Fact]
    public async Task Employers_of_collectors_by_sponsor_type_are_the_counts_hand_written_sql_gives()
    {
        await CreateCaseAsync(Naming("one", ["Example Aviation Co., Ltd."], ["Jiangsu State Security Department"], "mss-jssd"));
        await CreateCaseAsync(Naming("two", ["Example Aviation Co., Ltd."], [], "mss"));
        await CreateCaseAsync(Naming("three", ["Example Aviation Co., Ltd.", "Example Machinery Corp."], [], "soe"));
        await CreateCaseAsync(Naming("four", ["Example Machinery Corp."], []));
        var victim = Naming("five", [], []);
        victim["victims"] = new JsonArray("Example Aviation Co., Ltd.");
        await CreateCaseAsync(victim);

        using var response = await Client.GetAsync("/api/v1/stats/entities?role=collector-employer&groupBy=sponsorType", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = (await ReadObjectAsync(response))["items"]!.AsArray()
            .Select(i => $"{(string?)i!["slug"]}|{(string?)i["sponsorType"]}|{(int)i["cases"]!}").ToList();
        var expected = await WithDbAsync(db => db.Database.SqlQueryRaw<string>("""
            SELECT e.slug || '|' || coalesce(s.type, '') || '|' || count(DISTINCT c.id) AS "Value"
            FROM cases c JOIN case_entities l ON l.case_id = c.id AND l.role = 'collector-employer'
            JOIN entities e ON e.id = l.entity_id LEFT JOIN sponsors s ON s.code = c.sponsor_code
            GROUP BY e.slug, s.type ORDER BY s.type NULLS LAST, count(DISTINCT c.id) DESC, e.slug
            """).ToListAsync(Ct));
        Assert.Equal(expected, answered);
        Assert.Equal(
            ["example-aviation-co-ltd|intelligence-service|2", "example-aviation-co-ltd|state-owned-enterprise|1",
                "example-machinery-corp|state-owned-enterprise|1", "example-machinery-corp||1"],
            answered);
        using var badGroup = await Client.GetAsync("/api/v1/stats/entities?groupBy=sector", Ct);
        await Problems.AssertFieldAsync(badGroup, "groupBy");
    }

    [Fact]
    public async Task The_new_names_round_trip_through_csv_ndjson_json_xlsx_and_parquet_and_an_exported_file_reimports_unchanged()
    {
        await CreateCaseAsync(Naming("round-trip", ["Example Aviation Co., Ltd.", "Example Machinery Corp."], ["Jiangsu State Security Department"]));

        var csv = await Client.GetStringAsync("/api/v1/cases/export?format=csv", Ct);
        var ndjson = JsonNode.Parse((await Client.GetStringAsync("/api/v1/cases/export?format=ndjson", Ct)).Trim())!;
        var json = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/cases/export?format=json", Ct))!;
        var report = await ImportReportAsync(csv, CsvType);
        var xlsxReport = await ImportReportAsync(await Client.GetByteArrayAsync("/api/v1/cases/export?format=xlsx", Ct), XlsxType);

        Assert.Contains("Example Aviation Co., Ltd.;Example Machinery Corp.", csv, StringComparison.Ordinal);
        Assert.Equal(2, ndjson["collectorEmployers"]!.AsArray().Count);
        var units = await WithDbAsync(db => db.Entities.Where(e => e.Kind == "intelligence-unit").Select(e => e.Id.ToString()).ToListAsync(Ct));
        Assert.Equal(units, ndjson["sponsoringUnitEntityIds"]!.AsArray().Select(i => (string?)i));
        Assert.Equal(2, ndjson["collectorEmployerEntityIds"]!.AsArray().Count);
        Assert.Equal("Jiangsu State Security Department", (string?)json[0]!["sponsoringUnits"]![0]);
        AssertCounts(report, received: 1, created: 0, updated: 0, unchanged: 1, rejected: 0);
        AssertCounts(xlsxReport, received: 1, created: 0, updated: 0, unchanged: 1, rejected: 0);
        var path = Path.Combine(Path.GetTempPath(), $"caseapi-roles-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await Client.GetByteArrayAsync("/api/v1/cases/export?format=parquet", Ct), Ct);
        try
        {
            using var duck = new DuckDBConnection("Data Source=:memory:");
            await duck.OpenAsync(Ct);
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT array_to_string(collectorEmployers, ';'), sponsoringUnits[1] FROM read_parquet('{path}')";
            using var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal("Example Aviation Co., Ltd.;Example Machinery Corp.", reader.GetString(0));
            Assert.Equal("Jiangsu State Security Department", reader.GetString(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_import_stores_the_names_of_the_new_fields()
    {
        var report = await ImportReportAsync(JsonArrayOf(Naming("imported", ["Example Aviation Co., Ltd."], ["Jiangsu State Security Department"])), JsonType);

        AssertCounts(report, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        using var response = await Client.GetAsync("/api/v1/cases/imported", Ct);
        var body = await ReadObjectAsync(response);
        Assert.Equal("Example Aviation Co., Ltd.", (string?)body["collectorEmployers"]![0]);
        Assert.Equal("Jiangsu State Security Department", (string?)body["sponsoringUnits"]![0]);
    }

    /// <summary>Needs ImportPipeline.StageAsync to gather every named role's names (EntityLinks.Written), which the lead is changing.</summary>
    [Fact]
    public async Task An_import_links_employers_and_sponsoring_units_and_reports_the_entities_their_names_make()
    {
        var report = await ImportReportAsync(JsonArrayOf(Naming("imported", ["Example Aviation Co., Ltd."], ["Jiangsu State Security Department"])), JsonType);

        var made = report["newEntities"]!.AsArray().Select(e => ((string?)e!["role"], (string?)e["kind"])).ToList();
        Assert.Equal([("collector-employer", "company"), ("sponsoring-unit", "intelligence-unit")], made);
        Assert.Equal(
            ["collector-employer:example-aviation-co-ltd:company", "sponsoring-unit:jiangsu-state-security-department:intelligence-unit"],
            await LinksAsync());
    }
}
