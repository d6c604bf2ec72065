namespace CaseApi.ApiKeys;

/// <summary>A new key for a service.</summary>
/// <param name="Name">A unique, printable name, e.g. dashboard-prod.</param>
/// <param name="Role">reader, editor or admin (reviewing is done by people, who sign in).</param>
/// <param name="ExpiresAt">When the key stops working; never when absent.</param>
/// <param name="Owner">The person or service that answers for the key (at most 200 characters); the creator when absent.</param>
public sealed record CreateApiKeyRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt = null, string? Owner = null);

/// <summary>A key as lists show it: never the secret, only its first characters.</summary>
public sealed record ApiKeyResponse(
    Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, string? CreatedBy,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? Owner);

/// <summary>The answer to a key's creation: the only time the secret is ever shown.</summary>
public sealed record CreatedApiKeyResponse(
    Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Secret, string Owner);
