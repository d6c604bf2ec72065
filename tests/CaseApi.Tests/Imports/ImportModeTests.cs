using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Imports;

public sealed class ImportModeTests(CaseApiFactory api) : ImportTest(api)
{
    private static JsonObject Bad(string slug)
    {
        var c = Case(slug);
        c["outcome"] = "beheaded";
        return c;
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_happen_and_writes_nothing()
    {
        await CreateCaseAsync(Case("existing"));
        var changed = Case("existing");
        changed["title"] = "Changed";
        var auditBefore = await CountAuditEventsAsync();

        var report = await ImportReportAsync(Csv(changed, Case("new-one")), CsvType, "?dryRun=true");

        Assert.Equal("dry-run", (string?)report["status"]);
        AssertCounts(report, received: 2, created: 1, updated: 1, unchanged: 0, rejected: 0);
        Assert.Equal(1, await CountCasesAsync());
        Assert.Equal(auditBefore, await CountAuditEventsAsync());
        using var fetched = await Client.GetAsync("/api/v1/cases/existing", Ct);
        Assert.Equal("Full case", (string?)(await ReadObjectAsync(fetched))["title"]);
        Assert.Equal("dry-run", await WithDbAsync(db => db.Imports.Select(i => i.Status).SingleAsync(Ct)));
    }

    [Fact]
    public async Task An_atomic_import_with_a_bad_row_is_rejected_with_422_and_writes_nothing()
    {
        var report = await ImportReportAsync(Ndjson(Case("case-a"), Bad("case-b"), Case("case-c")), NdjsonType, expected: HttpStatusCode.UnprocessableEntity);

        Assert.Equal("rejected", (string?)report["status"]);
        AssertCounts(report, received: 3, created: 0, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal([(2, "outcome")], ErrorsOf(report));
        Assert.Equal(0, await CountCasesAsync());
        Assert.Equal(0, await CountAuditEventsAsync());
        Assert.Equal("rejected", await WithDbAsync(db => db.Imports.Select(i => i.Status).SingleAsync(Ct)));
    }

    [Fact]
    public async Task A_non_atomic_import_writes_the_good_rows_and_reports_the_bad()
    {
        var report = await ImportReportAsync(Ndjson(Case("case-a"), Bad("case-b"), Case("case-c")), NdjsonType, "?atomic=false");

        Assert.Equal("committed", (string?)report["status"]);
        AssertCounts(report, received: 3, created: 2, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal(2, await CountCasesAsync());
    }

    [Fact]
    public async Task Insert_mode_rejects_an_existing_slug_while_upsert_updates_it()
    {
        await CreateCaseAsync(Case("existing"));
        var etag = await ETagOfAsync("existing");
        var changed = Case("existing");
        changed["title"] = "Changed";

        var inserted = await ImportReportAsync(Csv(Case("new-one"), changed), CsvType, "?mode=insert&atomic=false");
        var etagAfterInsert = await ETagOfAsync("existing");
        var upserted = await ImportReportAsync(Csv(Case("new-one"), changed), CsvType, "?mode=upsert");

        AssertCounts(inserted, received: 2, created: 1, updated: 0, unchanged: 0, rejected: 1);
        Assert.Equal([(2, "slug")], ErrorsOf(inserted));
        Assert.Equal(etag, etagAfterInsert);
        AssertCounts(upserted, received: 2, created: 0, updated: 1, unchanged: 1, rejected: 0);
        Assert.NotEqual(etag, await ETagOfAsync("existing"));
    }

    [Fact]
    public async Task An_unknown_mode_is_400()
    {
        using var response = await ImportAsync(Ndjson(Case("case-a")), NdjsonType, "?mode=merge");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Reimporting_the_same_file_leaves_every_case_unchanged_with_the_same_etag_and_no_audit_row()
    {
        var csv = Csv(Case("one"), CaseSamples.Minimal("two"), Case("three"));
        await ImportReportAsync(csv, CsvType);
        var etag = await ETagOfAsync("one");
        var audit = await CountAuditEventsAsync();

        var report = await ImportReportAsync(csv, CsvType);

        AssertCounts(report, received: 3, created: 0, updated: 0, unchanged: 3, rejected: 0);
        Assert.Equal(etag, await ETagOfAsync("one"));
        Assert.Equal(audit + 1, await CountAuditEventsAsync()); // only the import's own audit row
    }

    [Fact]
    public async Task Imported_changes_are_audited_with_the_import_id_full_record_on_create_and_field_diff_on_update()
    {
        var first = await ImportReportAsync(Ndjson(Case("audited")), NdjsonType);
        var changed = Case("audited");
        changed["title"] = "New title";
        changed["chargedOn"] = "2019-04";

        var second = await ImportReportAsync(Ndjson(changed), NdjsonType);

        var events = await WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "case").OrderBy(e => e.Id).ToListAsync(Ct));
        Assert.Equal(["create", "update"], events.Select(e => e.Action));
        Assert.Equal((Guid)first["id"]!, events[0].ImportId);
        Assert.Equal((Guid)second["id"]!, events[1].ImportId);
        var created = JsonNode.Parse(events[0].Changes!.RootElement.GetRawText())!.AsObject();
        Assert.Equal("Full case", (string?)created["title"]);
        Assert.Equal("2019-04-23", (string?)created["chargedOn"]);
        var diff = JsonNode.Parse(events[1].Changes!.RootElement.GetRawText())!.AsObject();
        Assert.Equal(["chargedOn", "title"], diff.Select(p => p.Key).Order());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"from":"Full case","to":"New title"}"""), diff["title"]), diff.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"from":"2019-04-23","to":"2019-04"}"""), diff["chargedOn"]), diff.ToJsonString());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_and_body_returns_the_first_report_without_importing_again()
    {
        var body = Ndjson(Case("once"));
        using var first = await ImportAsync(body, NdjsonType, idempotencyKey: "key-1");
        var firstReport = await ReadObjectAsync(first);

        using var retry = await ImportAsync(body, NdjsonType, idempotencyKey: "key-1");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var retryReport = await ReadObjectAsync(retry);
        Assert.Equal((string?)firstReport["id"], (string?)retryReport["id"]);
        AssertCounts(retryReport, received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0);
        Assert.Equal(1, await WithDbAsync(db => db.Imports.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_422_idempotency_key_reused()
    {
        using var first = await ImportAsync(Ndjson(Case("once")), NdjsonType, idempotencyKey: "key-2");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var other = await ImportAsync(Ndjson(Case("other")), NdjsonType, idempotencyKey: "key-2");

        var problem = await Problems.AssertAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency-key-reused", (string?)problem["code"]);
        Assert.Equal(1, await CountCasesAsync());
    }

    [Fact]
    public async Task Import_reports_are_listed_newest_first_with_keyset_paging_and_fetched_by_id()
    {
        var first = await ImportReportAsync(Ndjson(Case("case-a")), NdjsonType);
        var second = await ImportReportAsync(Ndjson(Bad("case-b")), NdjsonType, "?dryRun=true");

        using var page1 = await Client.GetAsync("/api/v1/imports?limit=1", Ct);
        var body1 = await ReadObjectAsync(page1);
        using var page2 = await Client.GetAsync($"/api/v1/imports?limit=1&cursor={body1["nextCursor"]}", Ct);
        var body2 = await ReadObjectAsync(page2);
        using var one = await Client.GetAsync($"/api/v1/imports/{second["id"]}", Ct);
        using var missing = await Client.GetAsync($"/api/v1/imports/{Guid.NewGuid()}", Ct);

        Assert.Equal(2, (int)body1["total"]!);
        Assert.Equal((string?)second["id"], (string?)body1["items"]![0]!["id"]);
        Assert.NotNull(page1.Headers.GetValues("Link").Single());
        Assert.Equal((string?)first["id"], (string?)body2["items"]![0]!["id"]);
        Assert.Null(body2["nextCursor"]);
        var report = await ReadObjectAsync(one);
        Assert.Equal("dry-run", (string?)report["status"]);
        Assert.Equal([(1, "outcome")], ErrorsOf(report));
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string, HttpStatusCode> Outcomes => new()
    {
        { "committed", "", HttpStatusCode.OK },
        { "dry-run", "?dryRun=true", HttpStatusCode.OK },
        { "rejected", "", HttpStatusCode.UnprocessableEntity },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Every_outcome_stores_its_report_as_it_was_answered(string status, string query, HttpStatusCode expected)
    {
        var file = Ndjson(Case("case-a"), status == "rejected" ? Bad("case-b") : Case("case-b"));

        var answered = await ImportReportAsync(file, NdjsonType, query, expected);

        using var fetched = await Client.GetAsync($"/api/v1/imports/{answered["id"]}", Ct);
        var stored = await ReadObjectAsync(fetched);
        Assert.Equal(status, (string?)stored["status"]);
        // The database keeps microseconds; everything else reads back exactly, and only the POST answer carries changes and new entities (and their count).
        Assert.True(Math.Abs((DateTimeOffset.Parse((string)answered["startedAt"]!, CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse((string)stored["startedAt"]!, CultureInfo.InvariantCulture)).Ticks) < 10);
        answered.Remove("changes");
        answered.Remove("newEntities");
        answered.Remove("newEntityCount");
        answered.Remove("startedAt");
        stored.Remove("startedAt");
        Assert.True(JsonNode.DeepEquals(answered, stored), $"answered {answered.ToJsonString()}, stored {stored.ToJsonString()}");
    }
}
