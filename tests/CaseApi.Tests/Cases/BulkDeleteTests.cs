using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Cases;

/// <summary>DELETE /cases?&lt;filters&gt;: a dry run with a token, then the commit of exactly that set, or a refusal.</summary>
public sealed class BulkDeleteTests(CaseApiFactory api) : HistoryTest(api)
{
    private async Task SeedAsync()
    {
        foreach (var slug in new[] { "sample-a", "sample-b", "sample-c" })
        {
            var request = CaseSamples.Minimal(slug);
            request["tags"] = new JsonArray("sample");
            await CreateCaseAsync(request);
        }
        await CreateCaseAsync(CaseSamples.Minimal("own-case"));
    }

    private async Task<JsonObject> DryRunAsync(string filter)
    {
        using var response = await Client.DeleteAsync($"/api/v1/cases?{filter}&dryRun=true", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    private Task<HttpResponseMessage> CommitAsync(string filter, JsonObject dryRun) =>
        Client.DeleteAsync($"/api/v1/cases?{filter}&token={Uri.EscapeDataString((string)dryRun["token"]!)}", Ct);

    [Fact]
    public async Task A_dry_run_counts_the_matches_lists_the_first_ids_and_deletes_nothing()
    {
        await SeedAsync();

        var preview = await DryRunAsync("tag=sample");

        Assert.True((bool)preview["dryRun"]!);
        Assert.Equal(3, (int)preview["count"]!);
        Assert.Equal(3, preview["firstIds"]!.AsArray().Count);
        Assert.False(string.IsNullOrEmpty((string?)preview["token"]));
        Assert.Equal(4, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_commit_deletes_the_previewed_set_in_one_history_position_with_an_audit_row_per_case()
    {
        await SeedAsync();
        var preview = await DryRunAsync("tag=sample");

        using var response = await CommitAsync("tag=sample", preview);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadObjectAsync(response);
        Assert.Equal(3, (int)body["count"]!);
        Assert.Equal(preview["firstIds"]!.ToJsonString(), body["firstIds"]!.ToJsonString());
        Assert.Equal(["own-case"], await WithDbAsync(db => db.Cases.Select(c => c.Slug).ToListAsync(Ct)));
        var audited = await WithDbAsync(db => db.AuditEvents.Where(a => a.Action == "delete").ToListAsync(Ct));
        Assert.Equal(3, audited.Count);
        Assert.Single(audited.Select(a => a.RequestId).Distinct());
        Assert.All(audited, a => Assert.Equal("sample", a.Changes!.RootElement.GetProperty("tags")[0].GetString()));
        Assert.Equal(1L, await ScalarAsync<long>(Api.ConnectionString, "SELECT count(DISTINCT xid) FROM history_entries WHERE action = 'delete'"));
    }

    [Fact]
    public async Task A_token_from_before_another_write_is_412_and_deletes_nothing()
    {
        await SeedAsync();
        var preview = await DryRunAsync("tag=sample");
        await CreateCaseAsync(CaseSamples.Minimal("written-since"));

        using var response = await CommitAsync("tag=sample", preview);

        await Problems.AssertAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(5, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_token_of_other_filters_is_412()
    {
        await SeedAsync();
        var preview = await DryRunAsync("tag=sample");

        using var response = await CommitAsync("tag=sample&sector=aerospace", preview);

        await Problems.AssertAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(4, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("dryRun=true", "filter")]
    [InlineData("dateField=charged&token=x", "filter")]
    [InlineData("tag=sample", "token")]
    [InlineData("tag=sample&token=forged.token", "token")]
    [InlineData("tag=sample&dryRun=true&release=r1", "release")]
    [InlineData("tags=sample&dryRun=true", "tags")]
    public async Task No_filter_no_token_a_forged_token_a_past_read_or_an_unknown_parameter_is_400(string query, string field)
    {
        await SeedAsync();

        using var response = await Client.DeleteAsync($"/api/v1/cases?{query}", Ct);

        await Problems.AssertFieldAsync(response, field);
        Assert.Equal(4, await WithDbAsync(db => db.Cases.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_editor_may_not_bulk_delete()
    {
        await SeedAsync();
        var editor = await ClientForRoleAsync(Policies.Editor);

        using var response = await editor.DeleteAsync("/api/v1/cases?tag=sample&dryRun=true", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_release_taken_before_the_delete_reads_byte_identically_after_it()
    {
        await SeedAsync();
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "before-delete", description = "Before." }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);
        var before = await Client.GetByteArrayAsync("/api/v1/cases/export?format=csv&release=before-delete", Ct);
        var stats = await Client.GetStringAsync("/api/v1/stats/summary?release=before-delete", Ct);

        using var deleted = await CommitAsync("tag=sample", await DryRunAsync("tag=sample"));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(before, await Client.GetByteArrayAsync("/api/v1/cases/export?format=csv&release=before-delete", Ct));
        Assert.Equal(stats, await Client.GetStringAsync("/api/v1/stats/summary?release=before-delete", Ct));
        Assert.NotEqual(before, await Client.GetByteArrayAsync("/api/v1/cases/export?format=csv", Ct));
    }

    [Fact]
    public async Task The_bundled_sample_carries_the_tag_sample_and_removes_with_one_dry_run_and_one_commit()
    {
        var loaded = await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        await CreateCaseAsync(CaseSamples.Minimal("own-case"));

        var preview = await DryRunAsync("tag=sample");
        using var response = await CommitAsync("tag=sample", preview);

        Assert.Equal(loaded, (int)preview["count"]!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["own-case"], await WithDbAsync(db => db.Cases.Select(c => c.Slug).ToListAsync(Ct)));
    }
}
