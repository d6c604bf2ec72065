namespace CaseApi.Audit;

/// <summary>
/// A person who signed in with a token, as the identity provider last named them. The audit trail records only the stable
/// <see cref="Id"/> (issuer and subject), so a renamed person is shown by their current name everywhere, old rows included.
/// The service fills this table from token claims; nothing else writes it.
/// </summary>
public sealed class Person
{
    /// <summary>The actor id: <c>{issuer}#{subject}</c>.</summary>
    public required string Id { get; set; }
    public required string Issuer { get; set; }
    public required string Subject { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
