using CaseApi.Cases;
using CaseApi.ReferenceData;

namespace CaseApi.Bench;

/// <summary>
/// A deterministic synthetic case: case n is always the same, whatever chunk or run generates it, because each
/// case draws from its own seeded Random. Distributions follow the shape of the public studies: several sectors a
/// case with aerospace and IT on top, Zipf-skewed sponsors, more cases in recent years, partial dates of mixed
/// precision, and summaries of a few hundred words so that rows (and their full-text vectors) weigh what real ones do.
/// </summary>
internal static class CaseGenerator
{
    private const int Seed = 20_170_622;
    private static readonly DateOnly FirstDay = new(1995, 1, 1);
    private static readonly DateOnly LastDay = new(2025, 12, 31);

    // Sector weights: aerospace (116) and IT (113) lead the 595-case study; the rest trail off.
    private static readonly (string Code, double Weight)[] SectorWeights =
    [
        ("aerospace", 116), ("information-technology", 113), ("defense", 70), ("semiconductors", 55),
        ("telecommunications", 45), ("energy", 35), ("new-materials", 30), ("biomedical", 30), ("government", 28),
        ("maritime", 20), ("space", 20), ("personal-data", 18), ("automotive", 15), ("agriculture", 15),
        ("robotics", 12), ("nuclear", 10), ("rail", 6),
    ];

    // Zipf-like: the k-th sponsor in this order is about 1/k^1.1 as likely as the first.
    private static readonly string[] SponsorsByRank = ReferenceSeed.Sponsors.Select(s => s.Code).ToArray();
    private static readonly double[] SponsorWeights = SponsorsByRank.Select((_, k) => 1 / Math.Pow(k + 1, 1.1)).ToArray();

    private static readonly (string Code, double Weight)[] CollectorWeights =
    [
        ("private-company-employee", 30), ("soe-employee", 23), ("intelligence-officer", 12), ("researcher", 10),
        ("entrepreneur", 8), ("company", 6), ("recruited-us-person", 6), ("military-officer", 5), ("student", 4),
        ("contract-hacker", 4), ("co-opted-individual", 3), ("government-official", 2), ("other", 1),
    ];

    private static readonly (string Code, double Weight)[] OutcomeWeights =
    [
        ("convicted", 55), ("charged", 15), ("fugitive", 12), ("under-investigation", 6), ("dismissed", 4),
        ("acquitted", 2), ("civil-settlement", 3), ("deceased", 1), ("other", 2),
    ];

    private static readonly (string Code, double Weight)[] ActivityWeights =
    [
        ("economic-espionage", 25), ("trade-secret-theft", 25), ("illegal-export", 20), ("espionage", 15),
        ("cyber-intrusion", 10), ("research-integrity", 6), ("covert-action", 4), ("foreign-agent", 4),
    ];

    private static readonly string[] Tradecraft = [.. CodeLists.Tradecraft];
    private static readonly string[] VictimTypes = [.. CodeLists.VictimTypes];
    private static readonly string[] SourceKinds = [.. CodeLists.SourceKinds];
    private static readonly string[] SourceListCodes = ReferenceSeed.SourceLists.Select(s => s.Code).ToArray();
    private static readonly string[] States = ["CA", "CA", "CA", "NY", "NY", "TX", "MA", "VA", "VA", "IL", "MI", "WA", "NJ", "FL", "PA", "OH", "GA", "MD", "CO", "AZ", "DC"];
    private static readonly string[] Venues = ["N.D. Cal.", "C.D. Cal.", "S.D.N.Y.", "E.D.N.Y.", "E.D. Va.", "D. Mass.", "N.D. Ill.", "E.D. Mich.", "W.D. Wash.", "D.N.J.", "S.D. Tex.", "D.D.C."];
    private static readonly string[] Countries = ["CN", "CN", "CN", "CN", "US", "US", "TW", "SG", "CA", "HK"];
    private static readonly string[] Given = ["Wei", "Li", "Ming", "Jun", "Xiaoming", "Yanjun", "Hao", "Lei", "Kevin", "Ji", "Chaoqun", "Ruopeng", "Hongjin", "Su", "Xu", "Gang", "Qing", "Ying", "Walter", "Anming"];
    private static readonly string[] Family = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Mallory", "Tan"];
    private static readonly string[] Companies = ["Boeing", "General Electric Aviation", "Micron", "Applied Materials", "T-Mobile", "Monsanto", "DuPont", "Lockheed Martin", "Northrop Grumman", "Westinghouse", "Tesla", "Apple", "Medtronic", "Raytheon", "Honeywell", "Texas Instruments", "Motorola", "Dow AgroSciences"];
    private static readonly string[] Publishers = ["US Department of Justice", "Reuters", "The New York Times", "The Washington Post", "Associated Press", "CSIS", "MIT Technology Review"];
    private static readonly string[] TagWords = ["trade-secrets", "export-control", "talent-program", "insider-threat", "hacking", "dual-use", "thousand-talents", "recruitment", "space", "drones", "chips", "seeds"];
    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "a", "in", "for", "that", "with", "on", "by", "as", "from", "his", "her", "their",
        "defendant", "company", "engineer", "employee", "government", "ministry", "state", "security", "officer",
        "intelligence", "technical", "documents", "trade", "secrets", "export", "controlled", "technology", "aircraft",
        "engine", "turbine", "composite", "semiconductor", "wafer", "fabrication", "satellite", "software", "source",
        "code", "network", "intrusion", "malware", "server", "emails", "encrypted", "messages", "payments", "cash",
        "travel", "conference", "university", "laboratory", "research", "grant", "funding", "program", "talent",
        "recruited", "approached", "provided", "stole", "downloaded", "transferred", "concealed", "disclosed", "agreed",
        "plan", "indictment", "charged", "pleaded", "guilty", "sentenced", "convicted", "federal", "court", "jury",
        "district", "investigation", "agents", "arrested", "airport", "shipment", "components", "military", "radar",
        "missile", "navy", "army", "contractor", "proprietary", "design", "specifications", "manufacturing", "process",
        "customers", "competitor", "startup", "investment", "venture", "front", "entity", "shell", "broker", "handler",
        "meetings", "hotel", "beijing", "shanghai", "shenzhen", "nanjing", "tianjin", "hainan", "guangzhou", "wuhan",
        "years", "months", "later", "before", "after", "during", "while", "according", "prosecutors", "evidence",
    ];

    public static CaseRequest Generate(long n)
    {
        var rng = new Random(HashCode.Combine(Seed, n));
        var sectors = Distinct(rng, SectorWeights, Count(rng, [0, 45, 35, 15, 5]));
        var activities = Distinct(rng, ActivityWeights, Count(rng, [0, 75, 20, 5]));
        var outcome = Pick(rng, OutcomeWeights);
        var family = Family[rng.Next(Family.Length)];

        // Later years carry more cases, as in the public compilations.
        var chargedDay = FirstDay.AddDays((int)(Math.Sqrt(rng.NextDouble()) * (LastDay.DayNumber - FirstDay.DayNumber)));
        var startDay = MaxDay(FirstDay, chargedDay.AddDays(-rng.Next(30, 6 * 365)));
        var endDay = MinDay(chargedDay, startDay.AddDays(rng.Next(0, 4 * 365)));
        var resolvedDay = MinDay(LastDay, chargedDay.AddDays(rng.Next(30, 4 * 365)));
        var charged = rng.NextDouble() < 0.92;
        var resolved = charged && outcome is not ("charged" or "under-investigation" or "fugitive");

        return new CaseRequest(
            Slug: $"bench-case-{n:D8}",
            Title: $"United States v. {Given[rng.Next(Given.Length)]} {family}: {Words[16 + rng.Next(Words.Length - 16)]} {Words[16 + rng.Next(Words.Length - 16)]} case {n}",
            Summary: Summary(rng),
            ActivityTypes: activities,
            Tradecraft: DistinctUniform(rng, Tradecraft, rng.Next(0, 5)),
            Sponsor: rng.NextDouble() < 0.15 ? null : SponsorsByRank[PickIndex(rng, SponsorWeights)],
            SponsorConfidence: rng.Next(4) switch { 0 => null, 1 => "alleged", 2 => "confirmed", _ => "assessed" },
            CollectorType: Pick(rng, CollectorWeights),
            CollectorCitizenship: rng.NextDouble() < 0.1 ? null : Countries[rng.Next(Countries.Length)],
            Defendants: Enumerable.Range(0, rng.Next(1, 4)).Select(i => $"{Given[rng.Next(Given.Length)]} {(i == 0 ? family : Family[rng.Next(Family.Length)])} {n}-{i}").ToArray(),
            Sectors: sectors,
            VictimTypes: DistinctUniform(rng, VictimTypes, rng.Next(0, 3)),
            Victims: DistinctUniform(rng, Companies, rng.Next(0, 3)),
            UsStates: DistinctUniform(rng, States, rng.Next(0, 3)),
            Venue: rng.NextDouble() < 0.2 ? null : Venues[rng.Next(Venues.Length)],
            ActivityStart: rng.NextDouble() < 0.8 ? Partial(rng, startDay) : null,
            ActivityEnd: rng.NextDouble() < 0.6 ? Partial(rng, endDay) : null,
            ChargedOn: charged ? Partial(rng, chargedDay) : null,
            ResolvedOn: resolved ? Partial(rng, resolvedDay) : null,
            Outcome: outcome,
            SentenceMonths: outcome == "convicted" ? rng.Next(0, 240) : null,
            FineUsd: rng.NextDouble() < 0.3 ? Math.Round((decimal)(rng.NextDouble() * 5_000_000), 2) : null,
            LossUsd: rng.NextDouble() < 0.4 ? Math.Round((decimal)Math.Pow(10, 3 + rng.NextDouble() * 6), 2) : null,
            Sources: Enumerable.Range(0, rng.Next(1, 4)).Select(i => new CaseSource(
                $"https://www.justice.gov/opa/pr/bench-case-{n}-{i}",
                $"{family} charged in {Words[16 + rng.Next(Words.Length - 16)]} case",
                Publishers[rng.Next(Publishers.Length)],
                Partial(rng, chargedDay),
                SourceKinds[rng.Next(SourceKinds.Length)])).ToArray(),
            Tags: DistinctUniform(rng, TagWords, rng.Next(0, 4)),
            ListedIn: DistinctUniform(rng, SourceListCodes, rng.Next(1, 4)));
    }

    /// <summary>100 to 450 words, kept under the 4000-character limit of the summary field.</summary>
    private static string Summary(Random rng)
    {
        var words = rng.Next(100, 451);
        var text = new System.Text.StringBuilder(words * 8);
        for (var i = 0; i < words && text.Length < 3900; i++)
        {
            if (i > 0) text.Append(rng.Next(12) == 0 ? ". " : rng.Next(15) == 0 ? ", " : " ");
            text.Append(Words[rng.Next(Words.Length)]);
        }
        return text.Append('.').ToString();
    }

    /// <summary>Mixed precision: half the dates are known to the day, a third to the month, the rest to the year.</summary>
    private static string Partial(Random rng, DateOnly day)
    {
        var precision = rng.NextDouble() switch { < 0.5 => DatePrecision.Day, < 0.83 => DatePrecision.Month, _ => DatePrecision.Year };
        var value = precision switch
        {
            DatePrecision.Year => new DateOnly(day.Year, 1, 1),
            DatePrecision.Month => new DateOnly(day.Year, day.Month, 1),
            _ => day,
        };
        return new PartialDate(value, precision).ToString();
    }

    private static int Count(Random rng, double[] weights) => PickIndex(rng, weights);

    private static string Pick(Random rng, (string Code, double Weight)[] choices)
    {
        var x = rng.NextDouble() * Total(choices);
        for (var i = 0; i < choices.Length; i++)
        {
            if ((x -= choices[i].Weight) < 0) return choices[i].Code;
        }
        return choices[^1].Code;
    }

    private static double Total((string Code, double Weight)[] choices)
    {
        var total = 0.0;
        foreach (var c in choices) total += c.Weight;
        return total;
    }

    private static int PickIndex(Random rng, double[] weights)
    {
        var x = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            if ((x -= weights[i]) < 0) return i;
        }
        return weights.Length - 1;
    }

    private static string[] Distinct(Random rng, (string Code, double Weight)[] choices, int count)
    {
        var picked = new List<string>(count);
        while (picked.Count < count)
        {
            var code = Pick(rng, choices);
            if (!picked.Contains(code)) picked.Add(code);
        }
        return [.. picked];
    }

    private static string[] DistinctUniform(Random rng, string[] choices, int count)
    {
        var picked = new List<string>(count);
        while (picked.Count < count)
        {
            var code = choices[rng.Next(choices.Length)];
            if (!picked.Contains(code)) picked.Add(code);
        }
        return [.. picked];
    }

    private static DateOnly MinDay(DateOnly a, DateOnly b) => a < b ? a : b;
    private static DateOnly MaxDay(DateOnly a, DateOnly b) => a > b ? a : b;
}
