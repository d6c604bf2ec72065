using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.OpenApi;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Keeps one connection that LISTENs on <see cref="Channel"/>, which a statement trigger on api_keys notifies
/// when a transaction that changed keys commits, and tells <see cref="ApiKeyStore"/>. So a revocation through
/// any replica empties every replica's key cache within milliseconds of its commit.
/// </summary>
internal sealed class ApiKeyChangeListener(
    IServiceScopeFactory scopes, IConfiguration configuration, ApiKeyStore store, TimeProvider time, ILogger<ApiKeyChangeListener> logger)
    : BackgroundService
{
    public const string Channel = "api_keys_changed";

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
                connection.Notification += (_, _) => store.Changed();
                await connection.OpenAsync(stoppingToken);
                await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection)) await command.ExecuteNonQueryAsync(stoppingToken);
                store.Listening(true);
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
}
