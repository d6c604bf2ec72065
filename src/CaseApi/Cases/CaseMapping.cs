namespace CaseApi.Cases;

/// <summary>Moves a validated <see cref="CaseRequest"/> onto the entity and back; the back direction feeds merge patch and the audit diff.</summary>
internal static class CaseMapping
{
    /// <summary>Copies every writable field; call only with a request that passed <see cref="CaseRequestValidator"/>.</summary>
    public static void ApplyTo(this CaseRequest r, Case c)
    {
        c.Slug = r.Slug!;
        c.Title = r.Title!;
        c.Summary = r.Summary;
        c.ActivityTypes = Codes(r.ActivityTypes);
        c.Tradecraft = Codes(r.Tradecraft);
        c.SponsorCode = r.Sponsor;
        c.SponsorConfidence = r.SponsorConfidence;
        c.CollectorType = r.CollectorType!;
        c.CollectorCitizenship = r.CollectorCitizenship;
        c.Defendants = Codes(r.Defendants);
        c.Sectors = Codes(r.Sectors);
        c.VictimTypes = Codes(r.VictimTypes);
        c.Victims = Codes(r.Victims);
        c.UsStates = Codes(r.UsStates);
        c.Venue = r.Venue;
        (c.ActivityStart, c.ActivityStartPrecision) = Date(r.ActivityStart);
        (c.ActivityEnd, c.ActivityEndPrecision) = Date(r.ActivityEnd);
        (c.ChargedOn, c.ChargedOnPrecision) = Date(r.ChargedOn);
        (c.ResolvedOn, c.ResolvedOnPrecision) = Date(r.ResolvedOn);
        c.Outcome = r.Outcome!;
        c.SentenceMonths = r.SentenceMonths;
        c.FineUsd = r.FineUsd;
        c.LossUsd = r.LossUsd;
        c.Sources = r.Sources is null ? [] : [.. r.Sources.OfType<CaseSource>()];
        c.Tags = Codes(r.Tags);
        c.ListedIn = Codes(r.ListedIn);
        c.ListEvidence = r.ListEvidence is null ? [] : [.. r.ListEvidence.OfType<ListEvidence>()];
    }

    public static Case ToNewCase(this CaseRequest r, DateTimeOffset now)
    {
        var c = new Case
        {
            Id = Guid.CreateVersion7(now), Slug = r.Slug!, Title = r.Title!, CollectorType = r.CollectorType!, Outcome = r.Outcome!,
            CreatedAt = now, UpdatedAt = now,
        };
        r.ApplyTo(c);
        return c;
    }

    public static CaseRequest ToRequest(this Case c) => new(
        c.Slug, c.Title, c.Summary, c.ActivityTypes, c.Tradecraft, c.SponsorCode, c.SponsorConfidence, c.CollectorType,
        c.CollectorCitizenship, c.Defendants, c.Sectors, c.VictimTypes, c.Victims, c.UsStates, c.Venue,
        PartialDate.Format(c.ActivityStart, c.ActivityStartPrecision),
        PartialDate.Format(c.ActivityEnd, c.ActivityEndPrecision),
        PartialDate.Format(c.ChargedOn, c.ChargedOnPrecision),
        PartialDate.Format(c.ResolvedOn, c.ResolvedOnPrecision),
        c.Outcome, c.SentenceMonths, c.FineUsd, c.LossUsd, c.Sources, c.Tags, c.ListedIn, c.ListEvidence);

    private static string[] Codes(IReadOnlyList<string?>? values) => values is null ? [] : [.. values.OfType<string>()];

    private static (DateOnly?, DatePrecision?) Date(string? text) =>
        PartialDate.TryParse(text, out var d) ? (d.Value, d.Precision) : (null, null);
}
