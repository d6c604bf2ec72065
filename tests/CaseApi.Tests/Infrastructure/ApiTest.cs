using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Store;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The base of every API test class. Each class gets its own server over its own database (a class fixture), so
/// independent classes run in parallel; within a class, tests run one at a time, each after a reset.
/// </summary>
public abstract class ApiTest(CaseApiFactory api) : IClassFixture<CaseApiFactory>, IAsyncLifetime
{
    protected CaseApiFactory Api { get; } = api;
    private readonly List<HttpClient> clients = [];

    /// <summary>A client with the bootstrap admin key, so a test is never refused unless it asks to be.</summary>
    protected HttpClient Client { get; } = api.CreateClient(CaseApiFactory.AdminKey);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync() => Api.ResetDatabaseAsync();

    public virtual ValueTask DisposeAsync()
    {
        Client.Dispose();
        clients.ForEach(c => c.Dispose());
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>A client without any API key.</summary>
    protected HttpClient AnonymousClient() => Track(Api.CreateClient(key: null));

    /// <summary>A client sending the given key.</summary>
    protected HttpClient ClientWithKey(string key) => Track(Api.CreateClient(key));

    /// <summary>A client with a fresh key of the given role (reader, editor or admin).</summary>
    protected async Task<HttpClient> ClientForRoleAsync(string role) => ClientWithKey(await Api.CreateKeyAsync(role));

    private HttpClient Track(HttpClient client)
    {
        clients.Add(client);
        return client;
    }

    /// <summary>Runs a query against the test database through the service's own DbContext.</summary>
    protected async Task<T> WithDbAsync<T>(Func<CaseDbContext, Task<T>> query)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CaseDbContext>());
    }

    protected static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;

    /// <summary>POSTs a case and returns its body and ETag, failing the test when it is not created.</summary>
    protected async Task<(JsonObject Body, EntityTagHeaderValue ETag)> CreateCaseAsync(JsonObject request)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await ReadObjectAsync(response), response.Headers.ETag!);
    }
}
