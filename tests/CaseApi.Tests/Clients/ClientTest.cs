using CaseApi.Client;
using CaseApi.Tests.History;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Clients;

/// <summary>
/// Tests of the client package (clients/dotnet/CaseApi.Client) against the test service on Kestrel: the generated client
/// and its helpers over real HTTP, as an integrator's program uses them.
/// </summary>
public abstract class ClientTest(CaseApiFactory api) : HistoryTest(api)
{
    private readonly List<CaseApiConnection> connections = [];

    /// <summary>
    /// The shared reset seeds the policy mapping outside the history, which the StoreHistory migration's first commit holds
    /// in production. A feed item shows a case's alignment as of its position, rebuilt from the history once the mapping
    /// has changed since: rewriting the mapping puts it in the history, as in production, before the test's changes.
    /// </summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync(Api.ConnectionString, """
            BEGIN;
            CREATE TEMP TABLE mapping ON COMMIT DROP AS SELECT * FROM policy_document_sectors;
            DELETE FROM policy_document_sectors;
            INSERT INTO policy_document_sectors SELECT * FROM mapping;
            COMMIT;
            """);
    }

    /// <summary>A connection of the package to the test service with the admin key.</summary>
    protected CaseApiConnection Connect(CaseApiConnectionOptions? options = null, string key = CaseApiFactory.AdminKey)
    {
        var connection = CaseApiConnection.Create(Client.BaseAddress!, key, options);
        connections.Add(connection);
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        connections.ForEach(c => c.Dispose());
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
