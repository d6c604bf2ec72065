using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>The hash chain against someone with the database's superuser rights (who can also switch its triggers off).</summary>
public sealed class AuditChainTests(CaseApiFactory api) : HistoryTest(api)
{
    private const string Unguarded = "SET session_replication_role = replica; ";

    [Fact]
    public async Task An_untouched_history_verifies_and_counts_every_entry()
    {
        await WriteSomeHistoryAsync();

        var result = await VerifyAsync();

        Assert.Equal(new JsonObject { ["valid"] = true, ["checked"] = 6 }.ToJsonString(),
            new JsonObject { ["valid"] = result["valid"]!.DeepClone(), ["checked"] = result["checked"]!.DeepClone() }.ToJsonString());
        Assert.Null(result["firstMismatch"]);
    }

    [Fact]
    public async Task An_edited_audit_row_is_named_by_its_entry()
    {
        await WriteSomeHistoryAsync();
        var (entry, position) = await EntryOfAuditRowAsync(2);

        await ExecuteAsync(Api.ConnectionString, Unguarded + "UPDATE audit_events SET actor = 'someone-else' WHERE id = 2");
        var result = await VerifyAsync();

        Assert.False((bool)result["valid"]!);
        Assert.Equal(Mismatch(position, entry, "audit", "2", "entry"), result["firstMismatch"]!.ToJsonString());
    }

    [Fact]
    public async Task A_deleted_audit_row_is_named_by_its_entry()
    {
        await WriteSomeHistoryAsync();
        var (entry, position) = await EntryOfAuditRowAsync(3);

        await ExecuteAsync(Api.ConnectionString, Unguarded + "DELETE FROM audit_events WHERE id = 3");
        var result = await VerifyAsync();

        Assert.Equal(Mismatch(position, entry, "audit", "3", "entry"), result["firstMismatch"]!.ToJsonString());
    }

    [Fact]
    public async Task A_deleted_history_entry_breaks_the_link_of_its_commit()
    {
        await WriteSomeHistoryAsync();

        await ExecuteAsync(Api.ConnectionString,
            "DELETE FROM history_entries WHERE id = (SELECT min(id) FROM history_entries WHERE entity = 'case')");
        var result = await VerifyAsync();

        Assert.Equal(Mismatch(1, null, null, null, "link"), result["firstMismatch"]!.ToJsonString());
    }

    [Fact]
    public async Task An_audit_row_slipped_in_with_triggers_off_is_unlogged()
    {
        await WriteSomeHistoryAsync();

        await ExecuteAsync(Api.ConnectionString, Unguarded + """
            INSERT INTO audit_events (occurred_at, actor, action, entity_type, entity_id) VALUES (now(), 'ghost', 'create', 'case', 'x')
            """);
        var result = await VerifyAsync();

        Assert.Equal("unlogged", (string)result["firstMismatch"]!["reason"]!);
        Assert.Null(result["firstMismatch"]!["position"]);
    }

    [Fact]
    public async Task A_chain_recomputed_after_an_edit_verifies_alone_but_not_against_an_earlier_checkpoint()
    {
        await WriteSomeHistoryAsync();
        var checkpoint = (string)(await Client.GetFromJsonAsync<JsonObject>("/api/v1/audit/checkpoint", Ct))!["checkpoint"]!;
        await CreateCaseAsync(CaseSamples.Minimal("after-the-checkpoint"));

        await ExecuteAsync(Api.ConnectionString, Unguarded + """
            UPDATE audit_events SET actor = 'someone-else' WHERE id = 1;
            UPDATE history_entries e
                SET hash = history_entry_hash(e.entity, e.key, e.slug, e.action, (SELECT to_jsonb(a) FROM audit_events a WHERE a.id = 1))
                WHERE e.entity = 'audit' AND e.key = '1';
            DO $$
            DECLARE c record; previous bytea := '\x'::bytea;
            BEGIN
                FOR c IN SELECT xid, position FROM history_commits ORDER BY position LOOP
                    UPDATE history_commits SET hash = history_link_hash(previous, c.position,
                        (SELECT string_agg(e.hash, '\x'::bytea ORDER BY e.id) FROM history_entries e WHERE e.xid = c.xid))
                    WHERE xid = c.xid RETURNING hash INTO previous;
                END LOOP;
                UPDATE history_clock SET hash = previous;
            END $$;
            """);
        var alone = await VerifyAsync();
        var checkedAgainst = await VerifyAsync(checkpoint);

        Assert.True((bool)alone["valid"]!);
        Assert.False((bool)checkedAgainst["valid"]!);
        Assert.Equal(Mismatch(3, null, null, null, "checkpoint"), checkedAgainst["firstMismatch"]!.ToJsonString());
    }

    [Fact]
    public async Task A_checkpoint_that_is_not_one_is_a_400()
    {
        using var response = await Client.GetAsync("/api/v1/audit/verify?checkpoint=3:nothex", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Three commits: two case creates and a sector, each with its audit row: 6 entries.</summary>
    private async Task WriteSomeHistoryAsync()
    {
        await CreateCaseAsync(CaseSamples.Minimal("chain-one"));
        await CreateCaseAsync(CaseSamples.Minimal("chain-two"));
        using var sector = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new JsonObject { ["name"] = "Quantum" }, Ct);
        Assert.Equal(HttpStatusCode.Created, sector.StatusCode);
    }

    private async Task<(long Entry, long Position)> EntryOfAuditRowAsync(long auditId) => (
        await ScalarAsync<long>(Api.ConnectionString, $"SELECT id FROM history_entries WHERE entity = 'audit' AND key = '{auditId}'"),
        await ScalarAsync<long>(Api.ConnectionString,
            $"SELECT c.position FROM history_entries e JOIN history_commits c USING (xid) WHERE e.entity = 'audit' AND e.key = '{auditId}'"));

    private async Task<JsonObject> VerifyAsync(string? checkpoint = null)
    {
        using var response = await Client.GetAsync("/api/v1/audit/verify" + (checkpoint is null ? "" : $"?checkpoint={checkpoint}"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }

    private static string Mismatch(long position, long? id, string? entity, string? key, string reason) => new JsonObject
    {
        ["position"] = position, ["id"] = id, ["entity"] = entity, ["key"] = key, ["reason"] = reason,
    }.ToJsonString();
}
