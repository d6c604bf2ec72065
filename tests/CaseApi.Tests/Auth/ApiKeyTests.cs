using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Auth;

public sealed class ApiKeyTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_created_key_shows_its_secret_once_and_works_with_its_role()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "dashboard", role = "reader" }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await ReadObjectAsync(created);
        var secret = (string)body["secret"]!;
        Assert.StartsWith("cak_", secret, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40);
        Assert.StartsWith((string)body["prefix"]!, secret, StringComparison.Ordinal);
        var reader = ClientWithKey(secret);
        using var read = await reader.GetAsync("/api/v1/cases", Ct);
        using var write = await reader.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(), Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await Problems.AssertAsync(write, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Only_a_hash_of_the_secret_is_stored()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "hashed", role = "editor" }, Ct);
        var secret = (string)(await ReadObjectAsync(created))["secret"]!;

        var stored = await WithDbAsync(db => db.ApiKeys.SingleAsync(k => k.Name == "hashed", Ct));

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)), stored.SecretHash);
        Assert.DoesNotContain(secret, stored.Prefix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_list_never_shows_a_secret()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "listed", role = "reader" }, Ct);
        var secret = (string)(await ReadObjectAsync(created))["secret"]!;

        using var list = await Client.GetAsync("/api/v1/api-keys", Ct);

        var text = await list.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("\"listed\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(CaseApiFactory.AdminKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_and_stays_listed_as_revoked()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "short-lived", role = "editor" }, Ct);
        var body = await ReadObjectAsync(created);
        var key = ClientWithKey((string)body["secret"]!);
        using var before = await key.GetAsync("/api/v1/cases", Ct);

        using var revoked = await Client.DeleteAsync($"/api/v1/api-keys/{body["id"]}", Ct);
        using var after = await key.GetAsync("/api/v1/cases", Ct);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var problem = await Problems.AssertAsync(after, HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", (string?)problem["detail"], StringComparison.Ordinal);
        var listed = (await Client.GetFromJsonAsync<JsonObject>("/api/v1/api-keys", Ct))!["items"]!.AsArray()
            .Single(k => (string?)k!["name"] == "short-lived")!;
        Assert.NotNull(listed["revokedAt"]);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"role\":\"superuser\"}", "role")]
    [InlineData("{\"role\":\"reader\"}", "name")]
    [InlineData("{\"name\":\"bad\\u0000name\",\"role\":\"reader\"}", "name")]
    [InlineData("{\"name\":\"x\",\"role\":\"reader\",\"secret\":\"mine\"}", "secret")]
    public async Task An_invalid_key_request_is_400_naming_the_field(string json, string field)
    {
        using var response = await Client.PostAsync("/api/v1/api-keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        await Problems.AssertFieldAsync(response, field);
    }

    [Fact]
    public async Task A_key_name_in_use_is_409()
    {
        using var first = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "twice", role = "reader" }, Ct);

        using var second = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "twice", role = "admin" }, Ct);

        await Problems.AssertAsync(second, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_is_404()
    {
        using var response = await Client.DeleteAsync($"/api/v1/api-keys/{Guid.NewGuid()}", Ct);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Key_creation_and_revocation_are_audited_without_the_secret()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "audited", role = "editor" }, Ct);
        var body = await ReadObjectAsync(created);
        using var revoked = await Client.DeleteAsync($"/api/v1/api-keys/{body["id"]}", Ct);

        var events = await WithDbAsync(db => db.AuditEvents.OrderBy(e => e.Id).ToListAsync(Ct));

        Assert.Equal(["key-created", "key-revoked"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("api-key", e.EntityType));
        Assert.All(events, e => Assert.Equal((string?)body["id"], e.EntityId));
        var bootstrap = await WithDbAsync(db => db.ApiKeys.Where(k => k.Name == ApiKeyBootstrap.KeyName).Select(k => k.Id).SingleAsync(Ct));
        Assert.All(events, e => Assert.Equal(Actors.ForKey(bootstrap), e.Actor));
        Assert.Equal("editor", events[0].Changes!.RootElement.GetProperty("role").GetString());
        Assert.All(events, e => Assert.DoesNotContain((string)body["secret"]!, e.Changes!.RootElement.GetRawText(), StringComparison.Ordinal));
    }
}
