using CaseApi.Audit;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.Entities;

/// <summary>
/// Keys the entities that have none: those the migration Entities made from the names cases held, since the name
/// normalisation (<see cref="EntityNames"/>) is code, not SQL. Runs after migrating; finding nothing to key costs one
/// indexed query, and two replicas keying at once write the same keys.
/// </summary>
internal static class EntityKeys
{
    public const string Actor = "system:entity-keys";

    public static async Task KeyEntitiesIfConfiguredAsync(this WebApplication app)
    {
        if (OpenApiSetup.IsGeneratingDocument) return;
        var options = app.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.ApplyMigrations) await app.Services.KeyEntitiesAsync(app.Lifetime.ApplicationStopping);
    }

    public static async Task<int> KeyEntitiesAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var unkeyed = await db.Entities.Where(e => e.MatchKeys.Length == 0).ToListAsync(ct);
        foreach (var entity in unkeyed)
        {
            // A name without a letter or digit has no key; its id stands in, so it is keyed once and found by no name.
            var keys = EntityNames.MatchKeys(entity.Kind, entity.Name, entity.Aliases);
            entity.MatchKeys = keys.Length > 0 ? keys : [$"#{entity.Id}"];
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now, Actor = Actor, Action = "update", EntityType = "entity", EntityId = entity.Id.ToString(),
            });
        }
        if (unkeyed.Count > 0) await db.SaveChangesAsync(ct);
        return unkeyed.Count;
    }
}
