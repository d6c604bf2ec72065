using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Auth;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>Two service instances on one database: what one commits, the other's caches hear from the history channel.</summary>
public sealed class ReplicaTests(CaseApiFactory api) : HistoryTest(api)
{
    [Fact]
    public async Task A_sector_added_through_one_instance_is_accepted_by_another_within_a_second()
    {
        await using var other = new SecondInstanceFactory(Api.ConnectionString);
        await other.InitializeAsync();
        using var onOther = other.CreateClient(CaseApiFactory.AdminKey);
        var withNewSector = CaseSamples.Minimal("uses-a-new-sector");
        withNewSector["sectors"] = new JsonArray("quantum");
        // The other instance now holds the reference codes in its cache, without the new sector.
        using var refused = await onOther.PostAsJsonAsync("/api/v1/cases", withNewSector, Ct);

        using var sector = await Client.PutAsJsonAsync("/api/v1/sectors/quantum", new JsonObject { ["name"] = "Quantum" }, Ct);
        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.BadRequest;
        while (status != HttpStatusCode.Created && clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            using var attempt = await onOther.PostAsJsonAsync("/api/v1/cases", withNewSector, Ct);
            status = attempt.StatusCode;
        }

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, sector.StatusCode);
        Assert.Equal(HttpStatusCode.Created, status);
    }
}
