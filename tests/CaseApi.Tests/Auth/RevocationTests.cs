using System.Diagnostics;
using System.Net;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Auth;

/// <summary>Two service instances on one database, as two replicas behind a load balancer.</summary>
public sealed class RevocationTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_key_revoked_through_one_instance_is_refused_by_another_within_a_second()
    {
        await using var other = new SecondInstanceFactory(Api.ConnectionString);
        await other.InitializeAsync();
        var secret = await Api.CreateKeyAsync(Policies.Editor);
        var hash = ApiKeySecrets.Hash(secret);
        var id = await WithDbAsync(db => db.ApiKeys.Where(k => k.SecretHash == hash).Select(k => k.Id).SingleAsync(Ct));
        using var onOther = other.CreateClient(secret);
        using var before = await onOther.GetAsync("/api/v1/sectors", Ct);

        using var revoked = await Client.DeleteAsync($"/api/v1/api-keys/{id}", Ct);
        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        while (status != HttpStatusCode.Unauthorized && clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            using var after = await onOther.GetAsync("/api/v1/sectors", Ct);
            status = after.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
