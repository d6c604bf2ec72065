using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Imports;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Entities;

/// <summary>Issue 36 item 2: defendants and victims stay importable as names, each resolved to an entity.</summary>
public sealed class EntityImportTests(CaseApiFactory api) : ImportTest(api)
{
    private static JsonObject Naming(string slug, string[] defendants, string[]? victims = null)
    {
        var c = CaseSamples.Minimal(slug);
        c["defendants"] = new JsonArray([.. defendants.Select(d => (JsonNode)d)]);
        if (victims is not null) c["victims"] = new JsonArray([.. victims.Select(v => (JsonNode)v)]);
        return c;
    }

    private async Task CreateEntityAsync(string name, params string[] aliases)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/entities",
            new JsonObject { ["name"] = name, ["kind"] = "person", ["aliases"] = new JsonArray([.. aliases.Select(a => (JsonNode)a)]) }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_import_links_known_names_and_reports_the_entities_unknown_names_make()
    {
        await CreateEntityAsync("Kevin Patrick Mallory", "Kevin Mallory");

        var report = await ImportReportAsync(JsonArrayOf(
            Naming("first", ["Mallory, Kevin", "Wang Dong"]), Naming("second", ["Wang Dong"], ["Alcoa Inc."])), JsonType);

        AssertCounts(report, received: 2, created: 2, updated: 0, unchanged: 0, rejected: 0);
        var made = report["newEntities"]!.AsArray();
        Assert.Equal([("Wang Dong", 1, "defendant", "person"), ("Alcoa Inc.", 2, "victim", "company")],
            made.Select(e => ((string?)e!["name"], (int)e["row"]!, (string?)e["role"], (string?)e["kind"])));
        Assert.All(made, e => Assert.NotNull(e!["id"]));
        var links = await WithDbAsync(db => db.CaseEntityLinks.CountAsync(Ct));
        Assert.Equal(4, links);
        using var wang = await Client.GetAsync("/api/v1/entities/wang-dong/cases", Ct);
        Assert.Equal(2, (int)(await ReadObjectAsync(wang))["total"]!);
    }

    [Fact]
    public async Task The_entities_an_import_makes_are_stored_audited_and_in_the_history_as_a_single_create_stores_them()
    {
        // Made by the import's bulk path (binary COPY of rows and audit rows)...
        var report = await ImportReportAsync(JsonArrayOf(Naming("bulk", ["Zhou Bulk"], ["Bulk Materials Co., Ltd."])), JsonType);
        var made = report["newEntities"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string)e!["id"]!);
        // ... and by a single create, for comparison.
        using (var single = await Client.PostAsJsonAsync("/api/v1/entities", new JsonObject { ["name"] = "Zhou Single", ["kind"] = "person" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, single.StatusCode);
        }

        foreach (var (name, kind) in new[] { ("Zhou Bulk", "person"), ("Bulk Materials Co., Ltd.", "company") })
        {
            var id = made[name];
            var read = (await Client.GetFromJsonAsync<JsonObject>($"/api/v1/entities/{id}", Ct))!;
            Assert.Equal((name, kind), ((string?)read["name"], (string?)read["kind"]));
            Assert.Empty(read["aliases"]!.AsArray());
            Assert.Empty(read["identifiers"]!.AsObject());
            var audit = await WithDbAsync(db => db.AuditEvents.SingleAsync(a => a.EntityType == "entity" && a.EntityId == id, Ct));
            Assert.Equal(("create", Guid.Parse((string)report["id"]!)), (audit.Action, audit.ImportId));
            Assert.Equal(name, audit.Changes!.RootElement.GetProperty("name").GetString());
        }
        // The audit record of an imported entity has the members of a single create's, and both are in the history.
        var singleId = (await Client.GetFromJsonAsync<JsonObject>("/api/v1/entities/zhou-single", Ct))!["id"]!.ToString();
        var records = await WithDbAsync(async db => (await db.AuditEvents.Where(a => a.EntityType == "entity")
            .Where(a => a.EntityId == singleId || a.EntityId == made["Zhou Bulk"]).OrderBy(a => a.Id).ToListAsync(Ct))
            .ConvertAll(a => a.Changes!.RootElement.EnumerateObject().Select(p => p.Name).Order().ToList()));
        Assert.Equal(records[0], records[1]);
        string[] keys = [made["Zhou Bulk"], made["Bulk Materials Co., Ltd."], singleId];
        Assert.Equal(3, await WithDbAsync(db => db.Database
            .SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM history_entries WHERE entity = 'entity' AND key = ANY({keys})").SingleAsync(Ct)));

        // A second file finds them by their names' other spellings rather than making them again.
        var again = await ImportReportAsync(JsonArrayOf(Naming("again", ["BULK, Zhou"], ["Bulk Materials"])), JsonType);
        Assert.Empty(again["newEntities"]!.AsArray());
    }

    [Fact]
    public async Task A_file_resolves_its_names_in_batches_as_one_run_would_and_lists_the_first_thousand_new_entities()
    {
        // 2,550 rows naming two new people each: more than one batch of 5,000 names (ImportNames). The first row's names come
        // first; the last row's in the second batch: another spelling of a name the first batch made, and a name whose slug
        // (cut at 100 characters) is that of one the first batch made.
        var longPrefix = string.Join(' ', Enumerable.Repeat("Verylongname", 9));
        var rows = Enumerable.Range(1, 2_550)
            .Select(i => Naming($"batch-{i}", [$"Person{i:D4} Alpha", $"Person{i:D4} Beta"])).ToList();
        rows[0] = Naming("batch-1", [$"{longPrefix} Alpha", "Wu Cross", "Person0001 Alpha", "Person0001 Beta"]);
        rows.Add(Naming("batch-last", [$"{longPrefix} Beta", "CROSS, Wu"]));

        var report = await ImportReportAsync(JsonArrayOf([.. rows]), JsonType);

        AssertCounts(report, received: 2_551, created: 2_551, updated: 0, unchanged: 0, rejected: 0);
        Assert.Equal(5_103, (int)report["newEntityCount"]!);
        var listed = report["newEntities"]!.AsArray();
        Assert.Equal(1_000, listed.Count);
        Assert.Equal([$"{longPrefix} Alpha", "Wu Cross", "Person0001 Alpha", "Person0001 Beta", "Person0002 Alpha"],
            listed.Take(5).Select(e => (string?)e!["name"]));
        Assert.Equal(5_103, await WithDbAsync(db => db.Entities.CountAsync(Ct)));
        Assert.Equal(5_103, await WithDbAsync(db => db.AuditEvents.CountAsync(a => a.EntityType == "entity", Ct)));
        // Every one of them is listed by the import's id in the audit trail.
        using (var audited = await Client.GetAsync($"/api/v1/audit?importId={report["id"]}&entityType=entity&limit=1", Ct))
        {
            Assert.Equal(5_103, (int)(await ReadObjectAsync(audited))["total"]!);
        }
        using (var wu = await Client.GetAsync("/api/v1/entities/wu-cross/cases", Ct))
        {
            Assert.Equal(2, (int)(await ReadObjectAsync(wu))["total"]!);
        }
        var longSlugs = await WithDbAsync(db => db.Entities.Where(e => e.Name.StartsWith(longPrefix))
            .OrderBy(e => e.Name).Select(e => new { e.Id, e.Slug }).ToListAsync(Ct));
        Assert.Equal(2, longSlugs.Count);
        Assert.Equal(longSlugs[0].Slug + "-" + longSlugs[1].Id.ToString("N")[^12..], longSlugs[1].Slug);
    }

    [Fact]
    public async Task A_name_with_several_candidates_is_a_row_error_listing_them_and_a_dry_run_makes_nothing()
    {
        await CreateEntityAsync("Li Ming");
        await CreateEntityAsync("Ming Li");

        var report = await ImportReportAsync(JsonArrayOf(Naming("clear", ["Hao Zhang"]), Naming("unclear", ["LI, Ming"])), JsonType,
            "?atomic=false&dryRun=true");

        AssertCounts(report, received: 2, created: 1, updated: 0, unchanged: 0, rejected: 1);
        var error = Assert.Single(report["errors"]!.AsArray());
        Assert.Equal((2, "defendants"), ((int)error!["row"]!, (string?)error["field"]));
        Assert.Contains("li-ming", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("ming-li", (string?)error["message"], StringComparison.Ordinal);
        var made = Assert.Single(report["newEntities"]!.AsArray());
        Assert.Null(made!["id"]);
        Assert.Equal(2, await WithDbAsync(db => db.Entities.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_upsert_that_changes_the_names_moves_the_links_and_one_that_leaves_them_out_keeps_them()
    {
        await ImportReportAsync(JsonArrayOf(Naming("moving", ["Su Bin"], ["Boeing"])), JsonType);

        var renamed = new JsonObject { ["slug"] = "moving", ["defendants"] = new JsonArray("Chi Mak") };
        await ImportReportAsync(JsonArrayOf(renamed), JsonType);
        var retitled = new JsonObject { ["slug"] = "moving", ["title"] = "Retitled" };
        await ImportReportAsync(JsonArrayOf(retitled), JsonType);

        var roles = await WithDbAsync(db => db.CaseEntityLinks
            .Join(db.Entities, l => l.EntityId, e => e.Id, (l, e) => l.Role + ":" + e.Slug).OrderBy(x => x).ToListAsync(Ct));
        Assert.Equal(["defendant:chi-mak", "victim:boeing"], roles);
    }
}
