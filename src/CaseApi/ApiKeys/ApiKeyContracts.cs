namespace CaseApi.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt = null);

/// <summary>A key as lists show it: never the secret, only its first characters.</summary>
public sealed record ApiKeyResponse(
    Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, string? CreatedBy,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>The answer to a key's creation: the only time the secret is ever shown.</summary>
public sealed record CreatedApiKeyResponse(
    Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Secret);
