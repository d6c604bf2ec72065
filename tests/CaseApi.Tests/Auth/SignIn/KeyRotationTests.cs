using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CaseApi.Tests.Auth.SignIn;

/// <summary>
/// Key rotation, with an API of its own: the service refetches the provider's keys on an unknown key id at most once per
/// refresh interval (IdentityModel's ConfigurationManager), so a fresh instance is the only way to know no other test spent it.
/// </summary>
public sealed class KeyRotationTests(SignInFactory api) : SignInTest(api), IClassFixture<SignInFactory>
{
    [Fact]
    public async Task A_token_signed_with_a_rotated_key_is_accepted_on_its_first_use()
    {
        using var before = await (await ClientForUserAsync("reader")).GetAsync("/api/v1/cases", Ct);
        var oldKey = Provider.CurrentKeyId;

        await Provider.RotateSigningKeyAsync();
        var token = await Provider.TokenAsync("reader", Ct);
        using var after = await Bearer(token).GetAsync("/api/v1/cases", Ct);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.NotEqual(oldKey, new JsonWebToken(token).Kid);
        Assert.Equal(Provider.CurrentKeyId, new JsonWebToken(token).Kid);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
