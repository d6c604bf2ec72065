using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Audit;
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
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now, Actor = Actor, Action = "create", EntityType = "case", EntityId = entity.Id.ToString(),
                Changes = JsonSerializer.SerializeToDocument(JsonSerializer.SerializeToNode(request, json) as JsonObject, json),
            });
            loaded++;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Loaded {Count} sample cases into the empty store", loaded);
        return loaded;
    }
}
