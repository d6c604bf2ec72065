using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Tests.Audit;

public sealed class AuditTrailTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Every_case_write_is_in_the_history_newest_first_with_field_level_changes()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("history-case"));
        var id = (string)created["id"]!;
        var replacement = CaseSamples.Minimal("history-case");
        replacement["title"] = "Renamed";
        using var put = await SendAsync(HttpMethod.Put, $"/api/v1/cases/{id}", replacement.ToJsonString(), "application/json", etag.Tag);
        using var patch = await SendAsync(HttpMethod.Patch, $"/api/v1/cases/{id}", "{\"sectors\":[\"aerospace\",\"energy\"],\"sentenceMonths\":24}",
            "application/merge-patch+json", put.Headers.ETag!.Tag);
        using var delete = await SendAsync(HttpMethod.Delete, $"/api/v1/cases/{id}", null, null, patch.Headers.ETag!.Tag);

        using var history = await Client.GetAsync($"/api/v1/cases/{id}/history", Ct);

        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        var body = await ReadObjectAsync(history);
        var items = body["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(["delete", "update", "update", "create"], items.Select(i => (string?)i["action"]));
        Assert.Equal(4, (long?)body["total"]);
        Assert.All(items, i => Assert.StartsWith(Actors.KeyPrefix, (string?)i["actor"], StringComparison.Ordinal));
        Assert.All(items, i => Assert.Equal(ApiKeyBootstrap.KeyName, (string?)i["actorName"]));
        Assert.All(items, i => Assert.Equal(id, (string?)i["entityId"]));
        Assert.Equal("history-case", (string?)items[3]["changes"]!["slug"]);
        AssertChange(items[2]["changes"]!, "title", "A test case", "Renamed");
        Assert.Single(items[2]["changes"]!.AsObject());
        AssertChange(items[1]["changes"]!, "sentenceMonths", null, 24);
        Assert.True(JsonNode.DeepEquals(new JsonArray("aerospace", "energy"), items[1]["changes"]!["sectors"]!["to"]));
        Assert.Equal(2, items[1]["changes"]!.AsObject().Count);
        Assert.Equal("Renamed", (string?)items[0]["changes"]!["title"]);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_no_audit_row()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var put = await SendAsync(HttpMethod.Put, $"/api/v1/cases/{created["id"]}", CaseSamples.Minimal().ToJsonString(), "application/json", etag.Tag);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, await WithDbAsync(db => db.AuditEvents.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_history_of_an_unknown_case_is_404()
    {
        using var response = await Client.GetAsync($"/api/v1/cases/{Guid.NewGuid()}/history", Ct);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_reader_may_read_a_history_but_not_the_audit_log()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());
        var reader = await ClientForRoleAsync(Policies.Reader);

        using var history = await reader.GetAsync($"/api/v1/cases/{created["id"]}/history", Ct);
        using var audit = await reader.GetAsync("/api/v1/audit", Ct);

        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        await Problems.AssertAsync(audit, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_audit_log_filters_by_entity_actor_action_and_time()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (first, _) = await CreateCaseAsync(CaseSamples.Minimal("first-case"));
        var editor = await ClientForRoleAsync(Policies.Editor);
        using var second = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("second-case"), Ct);
        var editorActor = Actors.ForKey(await WithDbAsync(db => db.ApiKeys.Where(k => k.Role == "editor").Select(k => k.Id).SingleAsync(Ct)));
        using var sector = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = "Quantum computing" }, Ct);

        var byEntity = await AuditAsync($"entityType=case&entityId={first["id"]}");
        var byActor = await AuditAsync($"actor={editorActor}");
        var byAction = await AuditAsync("action=reference-update");
        var byTime = await AuditAsync($"from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}");
        var none = await AuditAsync($"to={Uri.EscapeDataString(start.ToString("O"))}");

        Assert.Equal(["first-case"], byEntity.Select(e => (string?)e["changes"]!["slug"]));
        Assert.Equal(["second-case"], byActor.Select(e => (string?)e["changes"]!["slug"]));
        Assert.Equal(["quantum"], byAction.Select(e => (string?)e["entityId"]));
        Assert.Equal("sector", (string?)byAction[0]["entityType"]);
        Assert.Equal(3, byTime.Count);
        Assert.Empty(none);
    }

    [Fact]
    public async Task The_audit_log_pages_by_cursor_without_gaps_or_repeats()
    {
        for (var i = 0; i < 5; i++) await CreateCaseAsync(CaseSamples.Minimal($"paged-case-{i}"));

        var seen = new List<long>();
        string? url = "/api/v1/audit?limit=2";
        while (url is not null)
        {
            using var response = await Client.GetAsync(url, Ct);
            var body = await ReadObjectAsync(response);
            Assert.Equal(5, (long?)body["total"]);
            seen.AddRange(body["items"]!.AsArray().Select(i => (long)i!["id"]!));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('<', '>')[1] : null;
            Assert.Equal(url is null, body["nextCursor"] is null);
        }

        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("count=maybe", "count")]
    [InlineData("from=2025-01-02&to=2025-01-01", "to")]
    public async Task Bad_audit_queries_are_400_naming_the_parameter(string query, string field)
    {
        using var response = await Client.GetAsync($"/api/v1/audit?{query}", Ct);

        await Problems.AssertFieldAsync(response, field);
    }

    [Fact]
    public async Task A_write_that_fails_in_the_database_leaves_no_audit_row()
    {
        // A trigger makes the case INSERT fail after the service has added the audit row to the same SaveChanges.
        await ExecuteSqlAsync("""
            CREATE FUNCTION test_refuse_case() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'forced failure' USING ERRCODE = 'unique_violation'; END $$;
            CREATE TRIGGER test_refuse_case BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION test_refuse_case();
            """);
        try
        {
            using var response = await Client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(), Ct);

            await Problems.AssertAsync(response, HttpStatusCode.Conflict);
            Assert.Equal(0, await WithDbAsync(db => db.AuditEvents.CountAsync(Ct)));
            Assert.Equal(0, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
        }
        finally
        {
            await ExecuteSqlAsync("DROP TRIGGER test_refuse_case ON cases; DROP FUNCTION test_refuse_case();");
        }
    }

    [Fact]
    public async Task A_failed_audit_insert_rolls_back_the_change()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        await ExecuteSqlAsync("""
            CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'forced failure' USING ERRCODE = 'unique_violation'; END $$;
            CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();
            """);
        try
        {
            using var response = await SendAsync(HttpMethod.Delete, $"/api/v1/cases/{created["id"]}", null, null, etag.Tag);

            await Problems.AssertAsync(response, HttpStatusCode.Conflict);
            Assert.Equal(1, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
        }
        finally
        {
            await ExecuteSqlAsync("DROP TRIGGER test_refuse_audit ON audit_events; DROP FUNCTION test_refuse_audit();");
        }
    }

    [Theory]
    [InlineData("UPDATE audit_events SET actor = 'someone-else'")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("TRUNCATE audit_events")]
    public async Task The_database_refuses_to_change_or_remove_audit_rows(string sql)
    {
        await CreateCaseAsync(CaseSamples.Minimal());

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteSqlAsync(sql));

        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        var row = await WithDbAsync(db => db.AuditEvents.SingleAsync(Ct));
        Assert.StartsWith(Actors.KeyPrefix, row.Actor, StringComparison.Ordinal);
    }

    private async Task<List<JsonObject>> AuditAsync(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/audit?{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadObjectAsync(response))["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? body, string? mediaType, string etag)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, mediaType!);
        request.Headers.IfMatch.ParseAdd(etag);
        return Client.SendAsync(request, Ct);
    }

    private async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static void AssertChange(JsonNode changes, string field, JsonNode? from, JsonNode? to)
    {
        Assert.True(JsonNode.DeepEquals(from, changes[field]!["from"]), $"{field}.from: {changes[field]!["from"]?.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(to, changes[field]!["to"]), $"{field}.to: {changes[field]!["to"]?.ToJsonString()}");
    }
}
