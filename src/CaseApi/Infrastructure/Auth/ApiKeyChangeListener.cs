using CaseApi.Infrastructure.OpenApi;
using CaseApi.ReferenceData;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Keeps one connection that LISTENs on <see cref="Channel"/>, which the history notifies as each writing transaction
/// commits ("position entity,entity…", migration StoreHistory), and tells the caches of the entities it names: a key
/// change empties <see cref="ApiKeyStore"/>, a reference-data change <see cref="ReferenceCodes"/>. So a revocation or
/// a new sector through any replica reaches every replica within milliseconds of its commit.
/// </summary>
internal sealed class ApiKeyChangeListener(
    IServiceScopeFactory scopes, IConfiguration configuration, ApiKeyStore store, ReferenceCodes codes, TimeProvider time,
    ILogger<ApiKeyChangeListener> logger)
    : BackgroundService
{
    public const string Channel = "history";

    private static readonly string[] ReferenceEntities = ["sector", "sponsor", "source-list", "policy-document", "policy-document-sector"];

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApiSetup.IsGeneratingDocument) return;
        // LISTEN needs a session of its own: behind a transaction-pooling PgBouncer, name the primary directly.
        var connectionString = configuration.GetConnectionString("CasesListen");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await using var scope = scopes.CreateAsyncScope();
            connectionString = scope.ServiceProvider.GetRequiredService<CaseDbContext>().Database.GetConnectionString()!;
        }
        // Keepalives notice a silently dropped connection; until it is back, the store reads every key afresh.
        var listen = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false, KeepAlive = 10, ApplicationName = "caseapi-key-listener",
        };
        // Named, so that metrics show this name and not the connection string.
        await using var source = new NpgsqlDataSourceBuilder(listen.ConnectionString) { Name = "caseapi-key-listener" }.Build();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = source.CreateConnection();
                connection.Notification += (_, e) => Heard(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await connection.ExecuteAsync(SqlFragment.Raw($"LISTEN {Channel}"), stoppingToken);
                store.Listening(true);
                // Whatever committed while nobody listened is read afresh.
                codes.Invalidate();
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning(
                    "Not hearing API key changes ({Reason}); keys are read from the database on every request until it reconnects", e.Message);
            }
            finally
            {
                store.Listening(false);
            }
            try
            {
                await Task.Delay(RetryAfter, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Heard(string payload)
    {
        var entities = payload.Split(' ', 2) is [_, var names] ? names.Split(',') : [];
        if (entities.Contains("api-key")) store.Changed();
        if (entities.Intersect(ReferenceEntities).Any()) codes.Invalidate();
    }
}
