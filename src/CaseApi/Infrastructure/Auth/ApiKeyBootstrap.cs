using System.Text.Json.Nodes;
using CaseApi.ApiKeys;
using CaseApi.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Auth;

public static class ApiKeyBootstrap
{
    public const string KeyName = "bootstrap-admin";
    public const int MinimumSecretLength = 20;

    /// <summary>What the key list shows as the bootstrap key's prefix.</summary>
    public const string ShownPrefix = "(bootstrap)";

    /// <summary>
    /// Makes the admin key named by Auth:BootstrapAdminKey exist, so a fresh deployment (or a newcomer's local run)
    /// has a first key. A bootstrap key that was later revoked stays revoked: restarting must not undo a revocation.
    /// </summary>
    public static async Task EnsureBootstrapAdminKeyAsync(this WebApplication app)
    {
        var secret = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.BootstrapAdminKey;
        if (string.IsNullOrWhiteSpace(secret) || OpenApi.OpenApiSetup.IsGeneratingDocument) return;

        var ct = app.Lifetime.ApplicationStopping;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseDbContext>();
        var hash = ApiKeySecrets.Hash(secret);
        var existing = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == hash, ct);
        if (existing is not null)
        {
            if (existing.RevokedAt is not null || existing.Role != Policies.Admin)
            {
                app.Logger.LogWarning(
                    "Auth:BootstrapAdminKey names key {KeyId}, which is revoked or not an admin key; it was left as it is", existing.Id);
            }
            return;
        }

        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var key = NewKey(secret, now);
        if (await db.ApiKeys.AnyAsync(k => k.Name == key.Name, ct)) key.Name = $"{KeyName}-{key.Id:N}"[..(KeyName.Length + 9)];
        await ApiKeyCreation.CreateAsync(db, key, "system", null, new JsonObject
        {
            ["name"] = key.Name, ["role"] = key.Role, ["prefix"] = key.Prefix, ["source"] = "Auth:BootstrapAdminKey",
        }, ct);
        app.Logger.LogInformation("Created the bootstrap admin key {KeyId}", key.Id);
    }

    /// <summary>The bootstrap key row for a secret (also used by the test fixture to restore it after a reset).</summary>
    public static ApiKey NewKey(string secret, DateTimeOffset now)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new InvalidOperationException($"Auth:BootstrapAdminKey must be at least {MinimumSecretLength} characters of random text.");
        }
        return new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = KeyName,
            Role = Policies.Admin,
            SecretHash = ApiKeySecrets.Hash(secret),
            // The operator chose this secret (and may use it elsewhere): list a fixed label, not its first characters.
            Prefix = ShownPrefix,
            CreatedAt = now,
            CreatedBy = "system",
            Owner = "system",
        };
    }
}
