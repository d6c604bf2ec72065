using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Entities;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Store;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Cases;

/// <summary>Loads the bundled sample of public cases (Data/public-cases.json) into an empty store, through the API's own validation.</summary>
internal static class SampleCases
{
    public const string Actor = "system:sample";

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Data", "public-cases.json");

    /// <summary>Loads the sample at start-up when Database:SeedSample asks for it and the store is empty.</summary>
    public static async Task LoadSampleIfConfiguredAsync(this WebApplication app)
    {
        if (OpenApiSetup.IsGeneratingDocument) return;
        var options = app.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.SeedSample) await LoadIfEmptyAsync(app.Services, app.Lifetime.ApplicationStopping);
    }

    public static string EntitiesFilePath => Path.Combine(AppContext.BaseDirectory, "Data", "public-entities.json");

    /// <summary>
    /// The sample's people and organisations with their kinds and the other spellings sources use (Data/public-entities.json),
    /// created first, so the cases' names find them; a name no entry covers becomes an entity of its own.
    /// </summary>
    private static async Task LoadEntitiesAsync(CaseDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        await using var file = File.OpenRead(EntitiesFilePath);
        var entities = await JsonSerializer.DeserializeAsync<List<EntityRequest>>(file, JsonSerializerOptions.Web, ct) ?? [];
        var slugs = entities.Select(e => e.Slug!).ToList();
        var present = await db.Entities.Where(e => slugs.Contains(e.Slug)).Select(e => e.Slug).ToListAsync(ct);
        foreach (var request in entities.Where(e => !present.Contains(e.Slug!)))
        {
            var entity = new Entity
            {
                Id = Guid.CreateVersion7(now), Slug = request.Slug!, Name = request.Name!, Kind = request.Kind!,
                Aliases = [.. request.Aliases!.OfType<string>()],
                Country = request.Country, Description = request.Description, Sources = [.. (request.Sources ?? []).OfType<string>()],
                SponsorCode = request.Sponsor,
                MatchKeys = EntityNames.MatchKeys(request.Kind!, request.Name!, request.Aliases!.OfType<string>()), CreatedAt = now, UpdatedAt = now,
            };
            db.Entities.Add(entity);
            db.AuditEvents.Add(Audited("entity", entity.Id, EntityLinks.Record(entity), now));
        }
        await db.SaveChangesAsync(ct);
    }

    private static AuditEvent Audited(string type, Guid id, JsonObject? record, DateTimeOffset now) => new()
    {
        OccurredAt = now, Actor = Actor, Action = "create", EntityType = type, EntityId = id.ToString(),
        Changes = record is null ? null : JsonSerializer.SerializeToDocument(record),
    };

    public static async Task<int> LoadIfEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<CaseDbContext>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SampleCases));
        var json = provider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var validator = provider.GetRequiredService<IValidator<CaseRequest>>();
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Replicas starting together must not both load the sample: serialise on an advisory lock, then look.
        await db.Database.ExecuteAsync(SqlFragment.Raw("SELECT pg_advisory_xact_lock(hashtext('caseapi-sample'))"), ct);
        if (await db.Cases.AnyAsync(ct)) return 0;

        await LoadEntitiesAsync(db, now, ct);
        await using var file = File.OpenRead(FilePath);
        var requests = await JsonSerializer.DeserializeAsync<List<CaseRequest>>(file, json, ct) ?? [];
        var loaded = 0;
        foreach (var (request, index) in requests.Select((r, i) => (r, i)))
        {
            var result = await validator.ValidateAsync(request, ct);
            if (!result.IsValid)
            {
                logger.LogWarning("Sample case {Index} ({Slug}) skipped: {Errors}", index + 1, request.Slug, result.ToString("; "));
                continue;
            }
            var entity = request.ToNewCase(now);
            db.Cases.Add(entity);
            var ambiguous = await EntityLinks.FollowNamesAsync(db, entity, e => Audited("entity", e.Id, EntityLinks.Record(e), now), now, ct);
            if (ambiguous.Count > 0)
            {
                logger.LogWarning("Sample case {Index} ({Slug}) skipped: {Errors}",
                    index + 1, request.Slug, string.Join(" ", ambiguous.Select(a => a.Message)));
                db.Cases.Remove(entity);
                continue;
            }
            db.AuditEvents.Add(Audited("case", entity.Id, JsonSerializer.SerializeToNode(request, json) as JsonObject, now));
            loaded++;
            // Saved case by case: the next case's names must find the entities this one made.
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Loaded {Count} sample cases into the empty store", loaded);
        return loaded;
    }
}
