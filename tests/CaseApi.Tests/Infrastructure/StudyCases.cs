using System.Globalization;
using CaseApi.Cases;
using CaseApi.ReferenceData;
using CaseApi.Store;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// A deterministic data set with the marginals of the 595-case study: 435 cases aligned with a policy document,
/// aerospace in 116, information technology in 113, 137 committed by SOE employees. The other fields vary
/// systematically so that every filter and dimension has several values, missing values and multi-valued cases.
/// Tests compute their expectations from <see cref="Cases"/> independently of the service.
/// </summary>
public static class StudyCases
{
    public const int Total = 595, Aligned = 435, Aerospace = 116, InformationTechnology = 113, SoeEmployees = 137;

    private static readonly string[] OtherAlignedSectors =
        ["semiconductors", "telecommunications", "energy", "new-materials", "maritime", "rail", "automotive", "robotics", "biomedical", "agriculture", "space", "nuclear"];
    private static readonly string[] UnalignedSectors = ["defense", "government", "personal-data"];
    private static readonly string[] ActivityTypes = [.. CodeLists.ActivityTypes.Keys];
    private static readonly string[] OtherCollectors = [.. CodeLists.CollectorTypes.Where(c => c != "soe-employee")];
    private static readonly string?[] Sponsors =
        [null, "mss", "mss-jssd", "mss-tianjin", "mss-shanghai", "pla", "pla-unit-61398", "cmc-jsd-ib", "soe", "ufwd", "prc-university", "talent-program", "private-company"];
    private static readonly string[] States = ["CA", "NY", "TX", "VA", "MA", "IL", "WA", "OH", "MI", "FL"];
    private static readonly string[] Names = ["Zhang Wei", "Li Na", "Wang Fang", "Liu Yang", "Chen Jie", "Yang Min", "Huang Lei", "Zhao Gang"];
    private static readonly string[] Victims = ["Boeing", "General Electric", "Micron", "Monsanto", "NASA", "T-Mobile", "Dupont"];

    public static IReadOnlyList<CaseRequest> Cases { get; } = [.. Enumerable.Range(0, Total).Select(Generate)];

    private static CaseRequest Generate(int i)
    {
        List<string> sectors = i switch
        {
            < 116 => ["aerospace", .. i % 4 == 0 ? ["space"] : Array.Empty<string>(), .. i % 5 == 0 ? ["defense"] : Array.Empty<string>()],
            < 229 => ["information-technology", .. i % 3 == 0 ? ["telecommunications"] : Array.Empty<string>()],
            < 435 => [OtherAlignedSectors[(i - 229) % 12], .. i % 7 == 0 ? ["government"] : Array.Empty<string>()],
            _ => [UnalignedSectors[(i - 435) % 3], .. i % 4 == 0 ? [UnalignedSectors[(i - 434) % 3]] : Array.Empty<string>()],
        };
        var year = 2000 + i % 21;
        string? charged = (i % 11) switch
        {
            0 => null,
            var r when r % 3 == 0 => $"{year}",
            var r when r % 3 == 1 => $"{year}-{1 + i % 12:D2}",
            _ => $"{year}-{1 + i % 12:D2}-{1 + i % 28:D2}",
        };
        string?[] tradecraft = i % 6 == 0 ? [] : i % 2 == 0
            ? [CodeLists.Tradecraft[(i + (i / 6)) % 18], CodeLists.Tradecraft[(i + (i / 6) + 5) % 18]]
            : [CodeLists.Tradecraft[(i + (i / 6)) % 18]];

        return new CaseRequest(
            Slug: $"study-case-{i:D3}",
            Title: i % 10 == 0 ? $"Turbine blueprints case {i}" : $"Study case {i}",
            Summary: i % 15 == 0 ? "Satellite telemetry was sent abroad." : $"Summary of case number {i}.",
            ActivityTypes: i % 5 == 0 ? [ActivityTypes[i % 8], ActivityTypes[(i + 3) % 8]] : [ActivityTypes[i % 8]],
            Tradecraft: tradecraft,
            Sponsor: Sponsors[i % 13],
            SponsorConfidence: i % 13 == 0 ? null : "alleged",
            CollectorType: (i * 37) % Total < SoeEmployees ? "soe-employee" : OtherCollectors[i % OtherCollectors.Length],
            CollectorCitizenship: i % 2 == 0 ? "CN" : "US",
            Defendants: [Names[i % Names.Length]],
            Sectors: sectors,
            VictimTypes: ["company"],
            Victims: i % 3 == 0 ? [Victims[i % Victims.Length]] : [],
            UsStates: i % 7 == 3 ? [] : i % 3 == 0 ? [States[i % 10], States[(i + 4) % 10]] : [States[i % 10]],
            Venue: null,
            ActivityStart: i % 7 == 0 ? null : $"{1995 + i % 25}",
            ActivityEnd: null,
            ChargedOn: charged,
            ResolvedOn: i % 4 == 0 || charged is null ? null : $"{year + i % 3}",
            Outcome: CodeLists.Outcomes[i % 9],
            SentenceMonths: i % 3 == 0 ? null : (i * 7) % 240,
            FineUsd: null,
            LossUsd: i % 4 == 0 ? null : i * 1000.5m,
            Sources: i % 20 == 0 ? [new CaseSource($"https://www.justice.gov/opa/pr/case-{i}", "Press release", "DOJ", charged, "doj-press-release")] : [],
            Tags: (i % 9) switch { 0 => ["talent-program"], 1 => ["export-control", "cyber"], _ => [] },
            ListedIn: i % 3 == 0 ? ["eftimiades-2020", "doj-press-releases"] : ["eftimiades-2020"]);
    }

    /// <summary>Inserts the data set in one SaveChanges (no audit rows: this is fixture data, not an API write).</summary>
    public static async Task InsertAsync(CaseDbContext db, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        db.Cases.AddRange(Cases.Select(c => c.ToNewCase(now)));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The policy documents a set of sectors aligns with, from the seeded mapping.</summary>
    public static IEnumerable<string> Policies(CaseRequest c) =>
        ReferenceSeed.PolicyDocumentSectors.Where(m => c.Sectors!.Contains(m.SectorCode)).Select(m => m.PolicyCode).Distinct();

    public static string? SponsorType(CaseRequest c) => ReferenceSeed.Sponsors.SingleOrDefault(s => s.Code == c.Sponsor)?.Type;

    /// <summary>The sponsor and all its ancestors.</summary>
    public static IEnumerable<string?> SponsorLineage(string code)
    {
        for (var s = ReferenceSeed.Sponsors.Single(s => s.Code == code); s is not null; s = ReferenceSeed.Sponsors.SingleOrDefault(p => p.Code == s.ParentCode))
        {
            yield return s.Code;
        }
    }

    public static int? Year(string? partialDate) => partialDate is null ? null : int.Parse(partialDate[..4], CultureInfo.InvariantCulture);

    /// <summary>The values a case has for a statistics dimension, as the JSON of a row shows them (null for none).</summary>
    public static IEnumerable<string?> Values(CaseRequest c, string dimension, string dateField = "charged", bool includeChildren = false) => dimension switch
    {
        "sponsor" when c.Sponsor is null => [null],
        "sponsor" => includeChildren ? SponsorLineage(c.Sponsor) : [c.Sponsor],
        _ => OtherValues(c, dimension, dateField),
    };

    private static IEnumerable<string?> OtherValues(CaseRequest c, string dimension, string dateField) => dimension switch
    {
        "year" => new[] { Year(dateField switch { "resolved" => c.ResolvedOn, "activityStart" => c.ActivityStart, _ => c.ChargedOn })?.ToString(CultureInfo.InvariantCulture) },
        "sector" => c.Sectors!,
        "sponsorType" => new[] { SponsorType(c) },
        "collectorType" => new[] { c.CollectorType },
        "activityType" => c.ActivityTypes!,
        "tradecraft" => c.Tradecraft!,
        "outcome" => new[] { c.Outcome },
        "state" => c.UsStates!,
        "policy" => Policies(c).Select(p => (string?)p),
        "aligned" => new[] { Policies(c).Any() ? "true" : "false" },
        "list" => c.ListedIn!,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };
}
