using CaseApi.Audit;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.History;

/// <summary>
/// Logs the newest checkpoint of the hash chain at a fixed interval, so that the log archive (outside the database) holds
/// points the chain must still pass through: a history edited and re-hashed later no longer matches them.
/// </summary>
internal sealed class CheckpointLog(IServiceScopeFactory scopes, IOptions<HistoryOptions> options, TimeProvider time, ILogger<CheckpointLog> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApiSetup.IsGeneratingDocument || options.Value.CheckpointLogMinutes == 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.CheckpointLogMinutes), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await LogCheckpointAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task LogCheckpointAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await AuditChain.HeadAsync(scope.ServiceProvider.GetRequiredService<CaseDbContext>(), ct) is { } head)
            {
                logger.LogInformation("History checkpoint {Checkpoint} at position {Position}", head.Checkpoint, head.Position);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning("No history checkpoint this time ({Reason})", e.Message);
        }
    }
}
