namespace CaseApi.ApiKeys;

/// <summary>An API key. Only a SHA-256 hash of the secret is stored; the secret is shown once, at creation.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public required byte[] SecretHash { get; set; }

    /// <summary>The first characters of the secret, safe to show so that people can tell their keys apart.</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
