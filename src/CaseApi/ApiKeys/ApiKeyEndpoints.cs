using System.Text.Json.Nodes;
using CaseApi.Audit;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Errors;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using CaseApi.Review;
using CaseApi.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CaseApi.ApiKeys;

internal static class ApiKeyEndpoints
{
    public static RouteGroupBuilder MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.Admin);

        keys.MapPost("/", CreateApiKey).WithName(nameof(CreateApiKey)).Idempotent().WithValidation<CreateApiKeyRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict).Reviewed(ReviewRule.Exempt);
        keys.MapGet("/", ListApiKeys).WithName(nameof(ListApiKeys)).ReadsStore(StoreRead.Current);
        keys.MapDelete("/{id:guid}", RevokeApiKey).WithName(nameof(RevokeApiKey)).Reviewed(ReviewRule.Exempt);
        return api;
    }

    /// <summary>Create an API key.</summary>
    /// <remarks>
    /// The response holds the secret: it is shown this once and stored only as a hash. Names are unique, because they are the
    /// audit trail's actor.
    /// </remarks>
    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateApiKey(
        CreateApiKeyRequest request, CaseDbContext db, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (await db.ApiKeys.AnyAsync(k => k.Name == request.Name, ct))
        {
            return ProblemResults.Of(ProblemCodes.NameTaken, "The name is already in use.",
                $"A key named '{request.Name}' exists (or existed); names identify actors in the audit trail, so pick another.");
        }

        var now = time.GetUtcNow();
        var secret = ApiKeySecrets.Generate();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!,
            Role = request.Role!,
            SecretHash = ApiKeySecrets.Hash(secret),
            Prefix = ApiKeySecrets.ShownPart(secret),
            CreatedAt = now,
            CreatedBy = AuditTrail.Actor(http.User),
            Owner = request.Owner ?? AuditTrail.Actor(http.User),
            ExpiresAt = request.ExpiresAt,
        };
        await ApiKeyCreation.CreateAsync(db, key, AuditTrail.Actor(http.User), http.TraceIdentifier, Described(key), ct);

        SecurityHeaders.NoStore(http.Response);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, key.Role, key.Prefix, key.CreatedAt, key.ExpiresAt, secret, key.Owner));
    }

    /// <summary>List API keys, newest first, revoked ones included. Secrets are never shown.</summary>
    private static async Task<Ok<PagedResponse<ApiKeyResponse>>> ListApiKeys(StoreSnapshot snapshot, CancellationToken ct)
    {
        var keys = await snapshot.Db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id)
            .Select(k => new ApiKeyResponse(k.Id, k.Name, k.Role, k.Prefix, k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.Owner))
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedResponse<ApiKeyResponse>(keys, keys.Count, null));
    }

    /// <summary>Revoke an API key.</summary>
    /// <remarks>Takes effect at once; revoking a revoked key changes nothing. The row stays, so the audit trail's actors stay resolvable.</remarks>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKey(
        Guid id, CaseDbContext db, HttpContext http, TimeProvider time, StoreChanges changes, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "API key not found.",
                detail: $"No API key has the id '{id}'.");
        }
        if (key.RevokedAt is null)
        {
            var now = time.GetUtcNow();
            key.RevokedAt = now;
            db.AuditEvents.Add(AuditTrail.Event(http, "key-revoked", "api-key", id.ToString(), Described(key), now));
            await db.SaveChangesAsync(ct);
        }
        // Here at once; other replicas hear it from the database as it commits.
        changes.Announce("api-key");
        return TypedResults.NoContent();
    }

    // What the audit trail records about a key: who it is and what it may do, never its secret or hash.
    private static JsonObject Described(ApiKey key) => new()
    {
        ["name"] = key.Name,
        ["role"] = key.Role,
        ["owner"] = key.Owner,
        ["prefix"] = key.Prefix,
        ["expiresAt"] = key.ExpiresAt,
        ["revokedAt"] = key.RevokedAt,
    };
}
