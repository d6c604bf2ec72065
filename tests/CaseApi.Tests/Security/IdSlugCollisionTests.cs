using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Security;

/// <summary>
/// Issue 30, item 1: a slug never passes for an id. The reported reproductions need a slug shaped like another case's id,
/// which the validator now refuses, so they are set up as the data written before it did (the superuser's UPDATE, the
/// state migration SecurityStore finds and renames).
/// </summary>
public sealed class IdSlugCollisionTests(CaseApiFactory api) : HistoryTest(api)
{
    [Theory]
    [InlineData("0190c8e4-1f6a-7b3c-9d2e-5a4b3c2d1e0f")]
    [InlineData("0190c8e41f6a7b3c9d2e5a4b3c2d1e0f")]
    public async Task Create_replace_and_patch_refuse_a_slug_shaped_like_a_uuid_naming_slug(string uuid)
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("words-only"));

        using var create = await Client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(uuid), Ct);
        using var replace = await Client.PutAsync($"/api/v1/cases/{created["id"]}", CaseSamples.Minimal(uuid), etag);
        using var patch = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", $$"""{"slug":"{{uuid}}"}""", etag);

        await Problems.AssertFieldAsync(create, "slug");
        await Problems.AssertFieldAsync(replace, "slug");
        await Problems.AssertFieldAsync(patch, "slug");
    }

    [Fact]
    public async Task A_case_whose_slug_is_another_cases_id_does_not_answer_for_it_now_as_of_a_position_or_a_release()
    {
        var (first, _) = await CreateCaseAsync(CaseSamples.Minimal("first-case"));
        var (second, _) = await CreateCaseAsync(CaseSamples.Minimal("second-case"));
        await ExecuteAsync(Api.ConnectionString, $"UPDATE cases SET slug = '{first["id"]}' WHERE id = '{second["id"]}'");
        var head = await ScalarAsync<long>(Api.ConnectionString, "SELECT position FROM history_clock");
        using var release = await Client.PostAsJsonAsync("/api/v1/releases", new { name = "collided", description = "Two keys, one value." }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);

        // Before: 500 ("Sequence contains more than one element"), for ever under the release.
        using var current = await Client.GetAsync($"/api/v1/cases/{first["id"]}", Ct);
        using var asOf = await Client.GetAsync($"/api/v1/cases/{first["id"]}?asOf={head}", Ct);
        using var released = await Client.GetAsync($"/api/v1/cases/{first["id"]}?release=collided", Ct);

        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal((string?)first["id"], (string?)(await ReadObjectAsync(current))["id"]);
        Assert.Equal(HttpStatusCode.OK, asOf.StatusCode);
        Assert.Equal((string?)first["id"], (string?)(await ReadObjectAsync(asOf))["id"]);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal((string?)first["id"], (string?)(await ReadObjectAsync(released))["id"]);
    }

    [Fact]
    public async Task A_deleted_cases_id_taken_as_a_slug_answers_404_not_forged_content()
    {
        var (deleted, etag) = await CreateCaseAsync(CaseSamples.Minimal("genuine-case"));
        using var delete = await Client.DeleteAsync($"/api/v1/cases/{deleted["id"]}", etag);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var forged = CaseSamples.Minimal("forger");
        forged["title"] = "Forged content";
        var (forger, _) = await CreateCaseAsync(forged);
        await ExecuteAsync(Api.ConnectionString, $"UPDATE cases SET slug = '{deleted["id"]}' WHERE id = '{forger["id"]}'");
        var head = await ScalarAsync<long>(Api.ConnectionString, "SELECT position FROM history_clock");

        using var asOf = await Client.GetAsync($"/api/v1/cases/{deleted["id"]}?asOf={head}", Ct);

        await Problems.AssertAsync(asOf, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_migration_renames_uuid_shaped_slugs_and_records_each_rename_in_the_audit_trail()
    {
        var (dashed, _) = await CreateCaseAsync(CaseSamples.Minimal("dashed-case"));
        var (plain, _) = await CreateCaseAsync(CaseSamples.Minimal("plain-case"));
        const string Dashed = "0190c8e4-1f6a-7b3c-9d2e-5a4b3c2d1e0f";
        const string Plain = "0190c8e41f6a7b3c9d2e5a4b3c2d1e0f";
        await ExecuteAsync(Api.ConnectionString, $"""
            UPDATE cases SET slug = '{Dashed}' WHERE id = '{dashed["id"]}';
            UPDATE cases SET slug = '{Plain}' WHERE id = '{plain["id"]}';
            """);

        // The migration's own function, run again as the owner would.
        var renamed = await ScalarAsync<int>(Api.ConnectionString, "SELECT cases_rename_uuid_slugs()");

        Assert.Equal(2, renamed);
        using var byNewSlug = await Client.GetAsync($"/api/v1/cases/case-{Dashed}", Ct);
        Assert.Equal((string?)dashed["id"], (string?)(await ReadObjectAsync(byNewSlug))["id"]);
        var plainId = (string)plain["id"]!;
        var rename = await WithDbAsync(db => db.AuditEvents.SingleAsync(a => a.EntityId == plainId && a.Actor == "system", Ct));
        Assert.Equal(("update", "case"), (rename.Action, rename.EntityType));
        var slug = rename.Changes!.RootElement.GetProperty("slug");
        Assert.Equal(Plain, slug.GetProperty("from").GetString());
        Assert.Equal($"case-{Plain}", slug.GetProperty("to").GetString());
        var verified = (await Client.GetFromJsonAsync<JsonObject>("/api/v1/audit/verify", Ct))!;
        Assert.True((bool)verified["valid"]!, verified.ToJsonString());
        Assert.Equal(0, await ScalarAsync<int>(Api.ConnectionString, "SELECT cases_rename_uuid_slugs()"));
    }
}
