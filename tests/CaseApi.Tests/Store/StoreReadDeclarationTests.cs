using System.Reflection;
using CaseApi.Store;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Store;

/// <summary>
/// Which server answers a read is declared where the endpoint is mapped (StoreRead), never inferred from a handler's
/// parameters: every read of the API declares it, and reads get the store only through the resolved snapshot.
/// </summary>
public sealed class StoreReadDeclarationTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public void Every_read_of_the_api_declares_how_it_reads_the_store()
    {
        var undeclared = ApiEndpoints().Where(e => IsRead(e) && e.Metadata.GetMetadata<StoreRead>() is null).Select(e => e.DisplayName).ToList();

        Assert.Empty(undeclared);
        Assert.True(ApiEndpoints().Count(IsRead) > 15, "The list of reads looks incomplete.");
    }

    [Fact]
    public void No_read_takes_a_database_context_itself()
    {
        var direct = ApiEndpoints().Where(IsRead)
            .Where(e => Handler(e)?.GetParameters().Any(p => typeof(CaseDbContext).IsAssignableFrom(p.ParameterType)) == true)
            .Select(e => e.DisplayName).ToList();

        Assert.Empty(direct);
    }

    [Fact]
    public void A_declared_read_takes_the_snapshot()
    {
        var without = ApiEndpoints().Where(e => e.Metadata.GetMetadata<StoreRead>() is not null)
            .Where(e => Handler(e)?.GetParameters().Any(p => p.ParameterType == typeof(StoreSnapshot)) != true)
            .Select(e => e.DisplayName).ToList();

        Assert.Empty(without);
    }

    [Fact]
    public async Task A_handler_given_the_snapshot_without_the_declaration_fails_loudly()
    {
        var http = new DefaultHttpContext();

        var bind = () => StoreSnapshot.BindAsync(http).AsTask();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(bind);
        Assert.Contains("ReadsStore", failure.Message, StringComparison.Ordinal);
    }

    private IEnumerable<RouteEndpoint> ApiEndpoints() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true);

    private static bool IsRead(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m)) == true;

    private static MethodInfo? Handler(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<MethodInfo>();
}
