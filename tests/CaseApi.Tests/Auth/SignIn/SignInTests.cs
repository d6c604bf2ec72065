using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth.SignIn;

/// <summary>
/// Sign-in with access tokens issued by a real OpenID Connect server (<see cref="TestIdentityProvider"/>) over a real
/// PostgreSQL: roles, the token checks (expiry, age, audience, issuer; key rotation is KeyRotationTests), one credential per request, the actor
/// model (people by their current name) and introspection before admin operations.
/// </summary>
public sealed class SignInTests(SignInFactory api) : SignInTest(api), IClassFixture<SignInFactory>
{
    [Theory]
    [InlineData("reader", HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("reviewer", HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("editor", HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK)]
    public async Task A_token_carries_its_holders_role(string user, HttpStatusCode read, HttpStatusCode write, HttpStatusCode manageKeys)
    {
        var client = await ClientForUserAsync(user);

        using var list = await client.GetAsync("/api/v1/cases", Ct);
        using var create = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal($"by-{user}"), Ct);
        using var keys = await client.GetAsync("/api/v1/api-keys", Ct);

        Assert.Equal(read, list.StatusCode);
        Assert.Equal(write, create.StatusCode);
        Assert.Equal(manageKeys, keys.StatusCode);
    }

    [Fact]
    public async Task A_token_whose_roles_the_service_does_not_know_is_signed_in_with_none_and_refused()
    {
        var client = await ClientForUserAsync("stranger");

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("no role this service knows", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_a_401_that_says_so()
    {
        Provider.Clock.Shift = TimeSpan.FromHours(-2);
        var client = await ClientForUserAsync("reader");

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("The token has expired.", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_token_older_than_the_accepted_lifetime_is_refused_though_it_has_not_expired()
    {
        Provider.Clock.Shift = TimeSpan.FromMinutes(-(SignInFactory.MaxTokenLifetimeMinutes + 15));
        var client = await ClientForUserAsync("reader");

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains($"more than {SignInFactory.MaxTokenLifetimeMinutes} minutes ago", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var client = await ClientForUserAsync("outsider");

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("not issued for this service", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused_even_when_signed_with_a_trusted_key()
    {
        await using var other = await TestIdentityProvider.StartAsync(Api.ConnectionString, Provider.SigningKey, sharesStore: true);
        var token = await other.TokenAsync("admin", Ct);

        using var response = await Bearer(token).GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("not issued by the identity provider this service trusts", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_with_a_token_and_an_api_key_is_refused()
    {
        var client = await ClientForUserAsync("admin");
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, CaseApiFactory.AdminKey);

        using var response = await client.GetAsync("/api/v1/cases", Ct);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Send one credential", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_by_admin_operations_which_introspect_it()
    {
        var token = await Provider.TokenAsync("admin", Ct);
        var client = Bearer(token);
        using var before = await client.GetAsync("/api/v1/api-keys", Ct);

        await Provider.RevokeAsync(token, Ct);
        using var adminAfter = await client.GetAsync("/api/v1/api-keys", Ct);
        using var readAfter = await client.GetAsync("/api/v1/cases", Ct);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var problem = await Problems.AssertAsync(adminAfter, HttpStatusCode.Unauthorized);
        Assert.Contains("no longer active", (string?)problem["detail"], StringComparison.Ordinal);
        // Reads do not introspect: a revoked token reads until MaxTokenLifetimeMinutes after it was issued, as documented.
        Assert.Equal(HttpStatusCode.OK, readAfter.StatusCode);
    }

    [Fact]
    public async Task An_audit_event_created_with_a_token_names_the_person_by_a_stable_id_and_their_name()
    {
        var editor = await ClientForUserAsync("editor");
        var (created, _) = await CreateCaseWithAsync(editor, "audited-by-a-person");

        using var history = await Client.GetAsync($"/api/v1/cases/{created["id"]}/history", Ct);
        var item = (await ReadObjectAsync(history))["items"]!.AsArray().Single()!;

        Assert.Equal(PersonActor("u-editor"), (string?)item["actor"]);
        Assert.Equal("Ed Editor", (string?)item["actorName"]);
    }

    [Fact]
    public async Task A_change_made_with_a_token_names_the_person_in_the_change_feed()
    {
        await CreateCaseWithAsync(await ClientForUserAsync("editor"), "fed-by-a-person");

        using var feed = await Client.GetAsync("/api/v1/changes?limit=1000", Ct);

        var change = (await ReadObjectAsync(feed))["items"]!.AsArray().Single(c => (string?)c!["slug"] == "fed-by-a-person")!;
        Assert.Equal("create", (string?)change["action"]);
        Assert.Equal(PersonActor("u-editor"), (string?)change["actor"]);
    }

    [Fact]
    public async Task A_name_longer_than_the_people_table_holds_is_cut_not_a_500()
    {
        // 199 letters and an emoji (two UTF-16 units): a cut at 200 units would split the emoji.
        var longName = new string('n', 199) + "\U0001F600" + new string('m', 100);
        Provider.Users["verbose"] = new TestUser("u-verbose", longName, ["editor"]);
        var (created, _) = await CreateCaseWithAsync(await ClientForUserAsync("verbose"), "by-a-long-name");

        using var history = await Client.GetAsync($"/api/v1/cases/{created["id"]}/history", Ct);

        var item = (await ReadObjectAsync(history))["items"]!.AsArray().Single()!;
        Assert.Equal(new string('n', 199), (string?)item["actorName"]);
    }

    [Fact]
    public async Task A_renamed_person_is_shown_by_their_current_name_in_the_audit_history_and_releases()
    {
        var (created, _) = await CreateCaseWithAsync(await ClientForUserAsync("admin"), "renamed-later");
        using var release = await (await ClientForUserAsync("admin")).PostAsJsonAsync("/api/v1/releases",
            new { name = "before-rename", description = "taken before the rename" }, Ct);
        Assert.Equal(HttpStatusCode.Created, release.StatusCode);

        Provider.Users["admin"] = Provider.Users["admin"] with { Name = "Ada Lovelace" };
        using var signIn = await (await ClientForUserAsync("admin")).GetAsync("/api/v1/cases", Ct);
        using var history = await Client.GetAsync($"/api/v1/cases/{created["id"]}/history", Ct);
        using var audit = await Client.GetAsync($"/api/v1/audit?actor={Uri.EscapeDataString(PersonActor("u-admin"))}", Ct);
        using var shown = await Client.GetAsync("/api/v1/releases/before-rename", Ct);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal("Ada Lovelace", (string?)(await ReadObjectAsync(history))["items"]![0]!["actorName"]);
        var events = (await ReadObjectAsync(audit))["items"]!.AsArray();
        Assert.Equal(["release-created", "create"], events.Select(e => (string?)e!["action"]));
        Assert.All(events, e => Assert.Equal("Ada Lovelace", (string?)e!["actorName"]));
        var releaseBody = await ReadObjectAsync(shown);
        Assert.Equal(PersonActor("u-admin"), (string?)releaseBody["createdBy"]);
        Assert.Equal("Ada Lovelace", (string?)releaseBody["createdByName"]);
    }

    [Fact]
    public async Task An_api_key_created_by_a_person_records_its_creator_and_owner()
    {
        var admin = await ClientForUserAsync("admin");

        using var owned = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "dashboard", role = "reader", owner = "Dashboards team" }, Ct);
        using var unnamed = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "scratch", role = "reader" }, Ct);
        using var list = await admin.GetAsync("/api/v1/api-keys", Ct);

        Assert.Equal("Dashboards team", (string?)(await ReadObjectAsync(owned))["owner"]);
        Assert.Equal(PersonActor("u-admin"), (string?)(await ReadObjectAsync(unnamed))["owner"]);
        var dashboard = (await ReadObjectAsync(list))["items"]!.AsArray().Single(k => (string?)k!["name"] == "dashboard")!;
        Assert.Equal(PersonActor("u-admin"), (string?)dashboard["createdBy"]);
        Assert.Equal("Dashboards team", (string?)dashboard["owner"]);
    }

    private static async Task<(JsonObject Body, HttpStatusCode Status)> CreateCaseWithAsync(HttpClient client, string slug)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(slug), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadObjectAsync(response), response.StatusCode);
    }
}
