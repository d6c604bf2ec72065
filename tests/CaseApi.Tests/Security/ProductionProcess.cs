using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Security;

/// <summary>
/// The built service as the pod runs it: Production, its managed heap capped at 96 MB (DOTNET_GCHeapHardLimit, as in
/// ExportMemoryTests), and a management port beside the API port.
/// </summary>
public sealed class ProductionProcess : IAsyncLifetime
{
    public const long HeapLimitBytes = 96L * 1024 * 1024;

    private readonly CaseApiFactory database = new();

    public ServiceProcess Service { get; private set; } = null!;

    /// <summary>The API port with the admin key.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The API port without a key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The management port without a key.</summary>
    public HttpClient Management { get; private set; } = null!;

    /// <summary>The management port with the admin key: what a key does not unlock there.</summary>
    public HttpClient ManagementAdmin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await database.InitializeAsync();
        await database.ResetDatabaseAsync();
        Service = ServiceProcess.Start(database.ServiceConnectionString, new Dictionary<string, string>
        {
            ["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimitBytes:X}",
        }, managementPort: true);
        Admin = Client(Service.BaseAddress, CaseApiFactory.AdminKey);
        Anonymous = Client(Service.BaseAddress, null);
        Management = Client(Service.ManagementAddress!, null);
        ManagementAdmin = Client(Service.ManagementAddress!, CaseApiFactory.AdminKey);
        await Service.WaitUntilLiveAsync(Admin, TestContext.Current.CancellationToken);
    }

    private static HttpClient Client(Uri address, string? key)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in new[] { Admin, Anonymous, Management, ManagementAdmin }) client?.Dispose();
        Service?.Dispose();
        await database.DisposeAsync();
    }
}
