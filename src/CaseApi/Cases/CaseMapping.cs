namespace CaseApi.Cases;

/// <summary>
/// Moves a validated <see cref="CaseRequest"/> onto the entity and back, field by field of <see cref="CaseColumns"/>;
/// the back direction feeds merge patch and the audit diff.
/// </summary>
internal static class CaseMapping
{
    /// <summary>Copies every writable field; call only with a request that passed <see cref="CaseRequestValidator"/>.</summary>
    public static void ApplyTo(this CaseRequest r, Case c)
    {
        foreach (var field in CaseColumns.Fields) field.Store(c, field.Requested(r));
    }

    public static Case ToNewCase(this CaseRequest r, DateTimeOffset now)
    {
        var c = new Case { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now };
        r.ApplyTo(c);
        return c;
    }

    public static CaseRequest ToRequest(this Case c) => CaseColumns.ToRequest([.. CaseColumns.Fields.Select(f => f.Stored(c))]);
}
