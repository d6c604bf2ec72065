using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

public sealed class SecretLoggingTests(VerboseLoggingFactory api) : ApiTest(api), IClassFixture<VerboseLoggingFactory>
{
    [Fact]
    public async Task No_key_secret_reaches_the_log_even_at_debug_level()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "logged", role = "editor" }, Ct);
        var body = await ReadObjectAsync(created);
        var secret = (string)body["secret"]!;
        var editor = ClientWithKey(secret);
        using var write = await editor.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(), Ct);
        using var bearer = Api.CreateClient(key: null);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var read = await bearer.GetAsync("/api/v1/cases", Ct);
        const string wrongKey = "cak_wrong-key-that-should-not-be-logged-000000000";
        using var wrong = await ClientWithKey(wrongKey).GetAsync("/api/v1/cases", Ct);
        using var revoke = await Client.DeleteAsync($"/api/v1/api-keys/{body["id"]}", Ct);
        using var revoked = await editor.GetAsync("/api/v1/cases", Ct);

        var log = Api.Logs.Text();

        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("/api/v1/api-keys", log, StringComparison.Ordinal);
        Assert.Contains("Executed DbCommand", log, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[4..20], log, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain(CaseApiFactory.AdminKey, log, StringComparison.Ordinal);
    }
}
