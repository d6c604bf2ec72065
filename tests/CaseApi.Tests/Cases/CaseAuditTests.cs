using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Cases;

/// <summary>Each case write leaves exactly one audit row, written with the change.</summary>
public sealed class CaseAuditTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Create_update_patch_and_delete_each_leave_one_audit_row_with_field_changes()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());
        var id = (string)created["id"]!;
        var replacement = CaseSamples.Minimal();
        replacement["title"] = "Renamed";
        using var put = await Client.PutAsync($"/api/v1/cases/{id}", replacement, etag);
        using var patch = await Client.MergePatchAsync($"/api/v1/cases/{id}", """{"sentenceMonths": 12}""", put.Headers.ETag);
        using var delete = await Client.DeleteAsync($"/api/v1/cases/{id}", patch.Headers.ETag);

        var events = await WithDbAsync(db => db.AuditEvents.Where(a => a.EntityId == id).OrderBy(a => a.Id).ToListAsync(Ct));

        Assert.Equal(["create", "update", "update", "delete"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("case", e.EntityType));
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.RequestId)));
        var rename = events[1].Changes!.RootElement;
        Assert.Equal("A test case", rename.GetProperty("title").GetProperty("from").GetString());
        Assert.Equal("Renamed", rename.GetProperty("title").GetProperty("to").GetString());
        Assert.Single(rename.EnumerateObject());
        var sentence = events[2].Changes!.RootElement.GetProperty("sentenceMonths");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, sentence.GetProperty("from").ValueKind);
        Assert.Equal(12, sentence.GetProperty("to").GetInt32());
        Assert.Equal("Renamed", events[3].Changes!.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_rejected_write_leaves_no_audit_row()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());
        var id = (string)created["id"]!;

        using var stale = await Client.PutAsync($"/api/v1/cases/{id}", CaseSamples.Minimal(), new EntityTagHeaderValue("\"1\""));

        Assert.Equal(1, await WithDbAsync(db => db.AuditEvents.CountAsync(a => a.EntityId == id, Ct)));
    }
}
