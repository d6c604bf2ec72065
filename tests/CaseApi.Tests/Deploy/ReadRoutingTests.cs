using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Tests.Deploy;

/// <summary>
/// With ConnectionStrings:CasesReadOnly set, lists read from that database while writes (and the read-your-write
/// GET by id) use ConnectionStrings:Cases. The two databases hold different cases, so each answer shows its source.
/// </summary>
[Collection(nameof(ApiCollection))]
public sealed class ReadRoutingTests(ReadReplicaFactory api) : IClassFixture<ReadReplicaFactory>, IAsyncLifetime
{
    private readonly HttpClient client = api.CreateClient(CaseApiFactory.AdminKey);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await api.ResetDatabaseAsync();
        await using var replica = api.CreateReplicaContext();
        await replica.Database.MigrateAsync(Ct);
        await replica.Cases.ExecuteDeleteAsync(Ct);
        var request = CaseSamples.Minimal("only-on-the-replica").Deserialize<CaseRequest>(JsonSerializerOptions.Web)!;
        replica.Cases.Add(request.ToNewCase(DateTimeOffset.UtcNow));
        await replica.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Lists_read_from_the_read_only_database_while_writes_go_to_the_primary()
    {
        using var created = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("written-to-the-primary"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var list = await client.GetFromJsonAsync<JsonObject>("/api/v1/cases", Ct);

        var slugs = list!["items"]!.AsArray().Select(c => (string?)c!["slug"]).ToList();
        Assert.Equal(["only-on-the-replica"], slugs);
        Assert.Equal(1, (int?)list["total"]);
        await using var replica = api.CreateReplicaContext();
        Assert.False(await replica.Cases.AnyAsync(c => c.Slug == "written-to-the-primary", Ct));
    }

    [Fact]
    public async Task A_case_just_written_reads_back_by_id_from_the_primary()
    {
        using var created = await client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("written-to-the-primary"), Ct);
        var id = (string?)(await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"];

        using var byId = await client.GetAsync($"/api/v1/cases/{id}", Ct);
        using var replicaOnly = await client.GetAsync("/api/v1/cases/only-on-the-replica", Ct);

        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, replicaOnly.StatusCode);
    }
}
