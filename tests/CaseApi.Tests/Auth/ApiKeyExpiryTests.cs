using System.Net;
using System.Net.Http.Json;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

/// <summary>Key expiry on a fake clock: the test moves time past the expiry instead of waiting for it.</summary>
public sealed class ApiKeyExpiryTests(FakeClockFactory api) : ApiTest(api), IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task A_key_created_with_a_past_expiry_is_400_and_one_that_expires_is_refused()
    {
        var clock = ((FakeClockFactory)Api).Time;
        using var past = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "past", role = "reader", expiresAt = clock.GetUtcNow().AddDays(-1) }, Ct);
        using var soon = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "soon", role = "reader", expiresAt = clock.GetUtcNow().AddSeconds(2) }, Ct);
        var key = ClientWithKey((string)(await ReadObjectAsync(soon))["secret"]!);
        using var beforeExpiry = await key.GetAsync("/api/v1/cases", Ct);

        clock.Advance(TimeSpan.FromSeconds(2.5));
        using var afterExpiry = await key.GetAsync("/api/v1/cases", Ct);

        await Problems.AssertFieldAsync(past, "expiresAt");
        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);
        await Problems.AssertAsync(afterExpiry, HttpStatusCode.Unauthorized);
    }
}
