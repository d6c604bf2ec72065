using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Tests.Security;

/// <summary>
/// Issue 30, item 2: connected as the serving role (as psql would be, with the service's own login), nobody can bring a
/// revoked key back, add a key without its audit row, change data unseen by /audit/verify, or reopen a sealed commit.
/// </summary>
public sealed class ServingRoleTests(CaseApiFactory api) : HistoryTest(api)
{
    [Fact]
    public async Task A_revoked_key_stays_revoked_even_for_the_serving_role()
    {
        var secret = await Api.CreateKeyAsync("reader", name: "to-be-revoked");
        var id = await WithDbAsync(db => db.ApiKeys.Where(k => k.Name == "to-be-revoked").Select(k => k.Id).SingleAsync(Ct));
        using var revoke = await Client.DeleteAsync($"/api/v1/api-keys/{id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            ExecuteAsync(Api.ServiceConnectionString, "UPDATE api_keys SET revoked_at = NULL"));
        using var after = await ClientWithKey(secret).GetAsync("/api/v1/cases", Ct);

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task The_serving_role_cannot_insert_a_key_directly()
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(Api.ServiceConnectionString, """
            INSERT INTO api_keys (id, name, role, secret_hash, prefix, created_at)
            VALUES (gen_random_uuid(), 'backdoor', 'admin', sha256('cak_known-secret'::bytea), 'cak_know', now())
            """));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(0, await WithDbAsync(db => db.ApiKeys.CountAsync(k => k.Name == "backdoor", Ct)));
    }

    [Fact]
    public async Task A_key_the_serving_role_creates_through_the_function_comes_with_its_audit_row()
    {
        await ExecuteAsync(Api.ServiceConnectionString, """
            SELECT create_api_key(gen_random_uuid(), 'via-function', 'admin', sha256('cak_known-secret'::bytea), 'cak_know', now(),
                                  NULL, NULL, 'a-service-owner', 'someone', NULL, '{"name":"via-function"}')
            """);

        var (id, owner) = await WithDbAsync(db => db.ApiKeys.Where(k => k.Name == "via-function")
            .Select(k => new ValueTuple<string, string?>(k.Id.ToString(), k.Owner)).SingleAsync(Ct));
        Assert.Equal("a-service-owner", owner);
        var audit = await WithDbAsync(db => db.AuditEvents.SingleAsync(a => a.EntityId == id, Ct));
        Assert.Equal(("key-created", "api-key", "someone"), (audit.Action, audit.EntityType, audit.Actor));
        Assert.True((bool)(await VerifyAsync())["valid"]!);
        Assert.True(await ScalarAsync<bool>(Api.ConnectionString, """
            SELECT p.prosecdef AND pg_get_userbyid(p.proowner) = 'caseapi_owner' FROM pg_proc p WHERE p.proname = 'create_api_key'
            """), "create_api_key is not SECURITY DEFINER owned by caseapi_owner.");
    }

    [Theory]
    [InlineData("case", "UPDATE cases SET title = 'Rewritten quietly' WHERE slug = 'quiet-case' RETURNING id::text")]
    [InlineData("sector", "UPDATE sectors SET name = 'Renamed quietly' WHERE code = 'aerospace' RETURNING code")]
    [InlineData("api-key", "UPDATE api_keys SET revoked_at = now() WHERE name = 'quiet-key' RETURNING id::text")]
    public async Task A_change_by_the_serving_role_without_its_audit_row_is_reported_unaudited(string entity, string sql)
    {
        await CreateCaseAsync(CaseSamples.Minimal("quiet-case"));
        using var key = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "quiet-key", role = "reader" }, Ct);
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        Assert.True((bool)(await VerifyAsync())["valid"]!);

        var changed = await ScalarAsync<string>(Api.ServiceConnectionString, sql);
        var result = await VerifyAsync();

        Assert.False((bool)result["valid"]!);
        var mismatch = result["firstMismatch"]!;
        Assert.Equal("unaudited", (string?)mismatch["reason"]);
        Assert.Equal(entity, (string?)mismatch["entity"]);
        Assert.Equal(changed, (string?)mismatch["key"]);
    }

    [Fact]
    public async Task Clearing_the_old_seal_setting_after_set_constraints_immediate_cannot_add_to_a_sealed_commit()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal("sealed-case"));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(Api.ServiceConnectionString, $"""
            BEGIN;
            SET CONSTRAINTS ALL IMMEDIATE;
            INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id) VALUES (now(), 'x', 'update', 'case', '{created["id"]}');
            SELECT set_config('history.sealed', 'off', true);
            UPDATE cases SET title = 'After the seal' WHERE id = '{created["id"]}';
            COMMIT;
            """));

        Assert.Contains("already sealed", refused.MessageText, StringComparison.Ordinal);
        Assert.True((bool)(await VerifyAsync())["valid"]!);
    }

    [Fact]
    public async Task Every_write_of_the_api_verifies_with_its_audit_rows()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("audited-case"));
        using var patch = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title":"Patched"}""", etag);
        using var import = await Client.PostAsync("/api/v1/imports",
            new StringContent(CaseSamples.Full("imported-case").ToJsonString() + "\n", System.Text.Encoding.UTF8, "application/x-ndjson"), Ct);
        using var sector = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new { name = "Quantum" }, Ct);
        using var policy = await Client.PutAsJsonAsync("/api/v1/policy-documents/space2050",
            new { name = "Space 2050", sectors = new JsonArray("space", "quantum") }, Ct);
        using var unmapped = await Client.DeleteAsync("/api/v1/policy-documents/space2050", Ct);
        using var unsectored = await Client.DeleteAsync("/api/v1/sectors/quantum", Ct);
        using var sponsor = await Client.PutAsJsonAsync("/api/v1/sponsors/mss-test",
            new { name = "Test", type = "intelligence-service", parent = "mss" }, Ct);
        using var unsponsored = await Client.DeleteAsync("/api/v1/sponsors/mss-test", Ct);
        using var deleted = await Client.DeleteAsync($"/api/v1/cases/{created["id"]}", patch.Headers.ETag);
        using var key = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "short-lived", role = "reader" }, Ct);
        using var revoked = await Client.DeleteAsync($"/api/v1/api-keys/{(await ReadObjectAsync(key))["id"]}", Ct);
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "audited", description = "All audited." }, Ct);

        Assert.All(new[] { patch, import, sector, policy, unmapped, unsectored, sponsor, unsponsored, deleted, key, revoked, release },
            r => Assert.True(r.IsSuccessStatusCode, r.ToString()));
        var result = await VerifyAsync();
        Assert.True((bool)result["valid"]!, result.ToJsonString());
    }

    private async Task<JsonObject> VerifyAsync()
    {
        using var response = await Client.GetAsync("/api/v1/audit/verify", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }
}
