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
    /// <summary>The actor who created the key (an actor id: a person's or another key's).</summary>
    public string? CreatedBy { get; set; }

    /// <summary>The person or service that answers for the key, recorded at creation (null for keys older than the field).</summary>
    public string? Owner { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
