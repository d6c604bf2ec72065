using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace CaseApi.Tests.Linkage.Corpus;

/// <summary>
/// Writes a seeded linkage corpus: true cases and three published lists in the shapes analysts receive them (DOJ press
/// releases as CSV with URLs and "First Last, First Last"; a CSIS-style survey as CSV with incident ids and "Last,
/// First; Last, First"; a news archive as NDJSON with upper-case headlines and "A and B"), plus the truth: which case
/// each entry is about, if any. It knows nothing of the matcher (it uses no project namespace, and a test checks that):
/// names are varied by its own rules — inverted, joined, upper case, middle names dropped or cut to initials, accents
/// dropped, Chinese family-first order, hyphenated given names, nicknames, and one typo per hundred names written.
/// Common Chinese family and given names make people in different cases share names, as they do in real lists.
/// </summary>
public static class CorpusGenerator
{
    public const string CasesFile = "cases.json";
    public const string DojFile = "doj-press-releases.csv";
    public const string CsisFile = "csis-survey.csv";
    public const string NewsFile = "news-archive.ndjson";
    public const string TruthFile = "truth.csv";

    public static IReadOnlyList<string> Files { get; } = [CasesFile, DojFile, CsisFile, NewsFile, TruthFile];

    private const int CaseCount = 400;

    private static readonly string[] ChineseFamily =
    [
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
        "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng",
        "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Du", "Ye", "Cheng", "Wei", "Su", "Lu", "Ding", "Ren", "Shen",
    ];

    // Two-syllable given names are stored as syllables so lists can hyphenate or split them.
    private static readonly string[][] ChineseGiven =
    [
        ["Wei"], ["Jian"], ["Hao"], ["Lei"], ["Ming"], ["Yong"], ["Tao"], ["Jun"], ["Bin"], ["Qiang"], ["Na"], ["Jing"],
        ["Yan", "jun"], ["Xue", "hua"], ["Xiao", "qing"], ["Hong", "wei"], ["Zhi", "yong"], ["Jian", "guo"],
        ["Xiao", "ming"], ["Yu", "xin"], ["Li", "hua"], ["Mei", "ling"], ["Yi", "fan"], ["Hao", "ran"], ["Wen", "jie"],
        ["Jia", "hui"], ["Shu", "fen"], ["Guo", "qiang"], ["Chun", "lei"], ["Kai", "xuan"], ["Ze", "min"], ["Rui", "feng"],
    ];

    private static readonly string[] Nicknames = ["Edward", "Steven", "Jack", "Kevin", "Amy", "Tony", "Eric", "Grace", "Frank", "Lily"];

    private static readonly string[] WesternGiven =
    [
        "John", "Michael", "David", "James", "Robert", "Kevin", "Mary", "Susan", "Karen", "Linda", "Ronald", "Edward",
        "Walter", "Glenn", "Candace", "Peter", "Thomas", "Gregory", "Noshir", "José", "Zoë", "Renée", "François", "Mónica",
        "Søren", "Jürgen", "Chloé", "Anna", "Daniel", "Paul", "Sarah", "Laura", "Mark", "Steven", "Brian", "Joseph",
    ];

    private static readonly string[] WesternMiddle = ["Patrick", "Ann", "Lee", "Marie", "Allen", "Ray", "Jean", "Louis", "Grace", "Wayne"];

    private static readonly string[] WesternFamily =
    [
        "Smith", "Johnson", "Mallory", "Hansen", "Rockwell", "Miller", "Davis", "García", "Núñez", "O'Brien", "McDonald",
        "Müller", "Schröder", "Martínez", "Van Damme", "de la Cruz", "Smith-Jones", "Lee", "Kim", "Park", "Nguyen", "Tran",
        "Patel", "Gowadia", "Yeo", "Hernández", "Kowalski", "Brown", "Wilson", "Taylor", "Anderson", "Thompson", "Harris",
        "Clark", "Lewis", "Walker", "Young", "Wright", "Scott", "Baker", "Adams", "Nelson", "Campbell", "Mitchell", "Roberts",
        "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy",
    ];

    private static readonly string[] Roles =
    [
        "engineer", "scientist", "researcher", "professor", "intelligence officer", "analyst", "contractor", "executive",
        "businessman", "software developer", "chemist", "army reservist", "former employee",
    ];

    private static readonly string[] Techs =
    [
        "aerospace", "turbine", "semiconductor", "seed corn", "rice seed", "battery", "satellite", "radar", "drone",
        "composite material", "pharmaceutical", "robotics", "AI chip", "submarine", "missile guidance", "wind energy",
        "paint formula", "oilfield", "vaccine", "telecom", "laser", "nuclear reactor", "aviation software", "stealth coating",
    ];

    private static readonly string[] Victims =
    [
        "Boreal Aerospace", "Acme Robotics", "Northwind Semiconductor", "Pioneer Seeds", "Helix Pharmaceuticals",
        "Vantage Turbines", "Cobalt Batteries", "Orbital Dynamics", "Redstone Radar", "Meridian Telecom", "Quarry Chemicals",
        "Summit Avionics", "Lumen Lasers", "Atlas Energy", "Granite Composites", "Harbor Shipbuilding", "Falcon Drones",
        "Sierra Nuclear", "Apex Materials", "Crescent Software", "the Navy", "the Air Force", "NASA", "a national laboratory",
    ];

    private sealed record District(string Code, string StateName, string ApName, string Short, string Long, string[] Cities);

    private static readonly District[] Districts =
    [
        new("VA", "Virginia", "Va.", "E.D. Va.", "Eastern District of Virginia", ["Alexandria", "Richmond", "Norfolk"]),
        new("CA", "California", "Calif.", "N.D. Cal.", "Northern District of California", ["San Francisco", "San Jose", "Oakland"]),
        new("CA", "California", "Calif.", "C.D. Cal.", "Central District of California", ["Los Angeles", "Irvine"]),
        new("CA", "California", "Calif.", "S.D. Cal.", "Southern District of California", ["San Diego"]),
        new("NY", "New York", "N.Y.", "S.D.N.Y.", "Southern District of New York", ["New York", "Manhattan"]),
        new("NY", "New York", "N.Y.", "E.D.N.Y.", "Eastern District of New York", ["Brooklyn", "Long Island"]),
        new("MA", "Massachusetts", "Mass.", "D. Mass.", "District of Massachusetts", ["Boston", "Cambridge"]),
        new("TX", "Texas", "Texas", "S.D. Tex.", "Southern District of Texas", ["Houston"]),
        new("TX", "Texas", "Texas", "N.D. Tex.", "Northern District of Texas", ["Dallas", "Fort Worth"]),
        new("IL", "Illinois", "Ill.", "N.D. Ill.", "Northern District of Illinois", ["Chicago"]),
        new("MI", "Michigan", "Mich.", "E.D. Mich.", "Eastern District of Michigan", ["Detroit", "Ann Arbor"]),
        new("OH", "Ohio", "Ohio", "S.D. Ohio", "Southern District of Ohio", ["Cincinnati", "Columbus"]),
        new("WA", "Washington", "Wash.", "W.D. Wash.", "Western District of Washington", ["Seattle", "Tacoma"]),
        new("FL", "Florida", "Fla.", "S.D. Fla.", "Southern District of Florida", ["Miami"]),
        new("NJ", "New Jersey", "N.J.", "D.N.J.", "District of New Jersey", ["Newark", "Trenton"]),
        new("PA", "Pennsylvania", "Pa.", "W.D. Pa.", "Western District of Pennsylvania", ["Pittsburgh"]),
        new("GA", "Georgia", "Ga.", "N.D. Ga.", "Northern District of Georgia", ["Atlanta"]),
        new("MD", "Maryland", "Md.", "D. Md.", "District of Maryland", ["Baltimore", "Greenbelt"]),
        new("DC", "District of Columbia", "D.C.", "D.D.C.", "District of Columbia", ["Washington"]),
        new("IA", "Iowa", "Iowa", "S.D. Iowa", "Southern District of Iowa", ["Des Moines"]),
        new("CO", "Colorado", "Colo.", "D. Colo.", "District of Colorado", ["Denver"]),
        new("MN", "Minnesota", "Minn.", "D. Minn.", "District of Minnesota", ["Minneapolis"]),
        new("CT", "Connecticut", "Conn.", "D. Conn.", "District of Connecticut", ["Hartford", "New Haven"]),
        new("HI", "Hawaii", "Hawaii", "D. Haw.", "District of Hawaii", ["Honolulu"]),
    ];

    private static readonly Dictionary<char, string> Unaccented = new()
    {
        ['á'] = "a", ['à'] = "a", ['ä'] = "a", ['å'] = "a", ['é'] = "e", ['è'] = "e", ['ë'] = "e", ['í'] = "i", ['ó'] = "o",
        ['ö'] = "o", ['ø'] = "o", ['ú'] = "u", ['ü'] = "u", ['ñ'] = "n", ['ç'] = "c", ['ß'] = "ss", ['Ø'] = "O", ['Ö'] = "O",
        ['Ü'] = "U", ['É'] = "E", ['Á'] = "A", ['Ñ'] = "N",
    };

    private sealed record Person(string[] Given, string? Middle, string Family, bool Chinese, string? Suffix, string? Nickname)
    {
        public string GivenName => string.Concat(Given);
    }

    private sealed record Date(int Year, int Month, int Day, int Precision)
    {
        public DateOnly Value => new(Year, Month, Day);

        public override string ToString() => Precision switch
        {
            0 => Year.ToString("D4", CultureInfo.InvariantCulture),
            1 => $"{Year:D4}-{Month:D2}",
            _ => $"{Year:D4}-{Month:D2}-{Day:D2}",
        };

        public static Date Of(DateOnly d, int precision = 2) => new(d.Year, d.Month, d.Day, precision);
    }

    private sealed record TrueCase(
        string Slug, string Title, List<Person> Defendants, string Role, string Tech, string Victim, string Offence,
        Date? ChargedOn, Date? ResolvedOn, Date ActivityStart, Date? ActivityEnd, District? District, bool VenueKnown,
        List<string> Sources);

    private sealed record Truth(string List, string Reference, string? Slug);

    /// <summary>The corpus of one seed: file name → content.</summary>
    public static IReadOnlyDictionary<string, string> Generate(int seed)
    {
        var random = new Random(seed);
        var cases = new List<TrueCase>();
        for (var i = 1; i <= CaseCount; i++) cases.Add(NewCase(random, i, cases));
        var truth = new List<Truth>();
        var doj = DojReleases(random, cases, truth);
        var csis = CsisSurvey(random, cases, truth);
        var news = NewsArchive(random, cases, truth);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CasesFile] = CasesJson(cases),
            [DojFile] = doj,
            [CsisFile] = csis,
            [NewsFile] = news,
            [TruthFile] = Csv(["list", "reference", "case"], truth.Select(t => new[] { t.List, t.Reference, t.Slug ?? "" })),
        };
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static bool Chance(Random random, double p) => random.NextDouble() < p;

    private static Person NewPerson(Random random)
    {
        if (Chance(random, 0.6))
        {
            return new Person(Pick(random, ChineseGiven), null, Pick(random, ChineseFamily), true, null,
                Chance(random, 0.08) ? Pick(random, Nicknames) : null);
        }
        return new Person([Pick(random, WesternGiven)], Chance(random, 0.4) ? Pick(random, WesternMiddle) : null,
            Pick(random, WesternFamily), false, Chance(random, 0.04) ? "Jr." : null, null);
    }

    private static Date RandomDay(Random random, int fromYear, int toYear) =>
        Date.Of(new DateOnly(fromYear, 1, 1).AddDays(random.Next(new DateOnly(toYear, 12, 31).DayNumber - new DateOnly(fromYear, 1, 1).DayNumber)));

    // Someone already named in another case, for a namesake: a different person with the same name.
    private static Person Namesake(Random random, List<TrueCase> cases) => Pick(random, Pick(random, cases).Defendants);

    // People of an entry about no case: a third are namesakes of defendants.
    private static List<Person> Strangers(Random random, List<TrueCase> cases) =>
        [.. Enumerable.Range(0, Chance(random, 0.8) ? 1 : 2).Select(_ => Chance(random, 0.35) ? Namesake(random, cases) : NewPerson(random))];

    private static TrueCase NewCase(Random random, int number, List<TrueCase> previous)
    {
        var count = random.NextDouble() switch { < 0.72 => 1, < 0.92 => 2, _ => 3 };
        var defendants = Enumerable.Range(0, count)
            .Select(_ => previous.Count > 20 && Chance(random, 0.06) ? Namesake(random, previous) : NewPerson(random)).ToList();
        var role = Pick(random, Roles);
        var tech = Pick(random, Techs);
        var victim = Pick(random, Victims);
        var offence = Pick(random, (string[])["trade secrets", "economic espionage", "export", "agent", "espionage"]);
        var charged = RandomDay(random, 2001, 2023);
        var chargedOn = random.NextDouble() switch
        {
            < 0.62 => charged,
            < 0.82 => charged with { Precision = 1 },
            < 0.9 => charged with { Precision = 0 },
            _ => null,
        };
        var resolvedOn = chargedOn is not null && Chance(random, 0.65) && charged.Year < 2024
            ? Date.Of(DateOnly.FromDayNumber(Math.Min(charged.Value.AddMonths(3 + random.Next(30)).DayNumber, new DateOnly(2024, 12, 31).DayNumber)))
            : null;
        var start = Date.Of(charged.Value.AddDays(-random.Next(200, 2500)), Chance(random, 0.6) ? 0 : 1);
        var end = Chance(random, 0.7) ? Date.Of(charged.Value.AddDays(-random.Next(10, 150)), 1) : null;
        var district = Chance(random, 0.93) ? Pick(random, Districts) : null;
        var names = string.Join(" and ", defendants.Select(CaseName));
        var slug = $"case-{number:D4}";
        return new TrueCase(slug, $"{names} — {Description(offence, role, tech, victim)}", defendants, role, tech, victim, offence,
            chargedOn, resolvedOn, start, end, district, district is not null && Chance(random, 0.75), []);
    }

    private static string Description(string offence, string role, string tech, string victim) => offence switch
    {
        "trade secrets" => $"{role} stole {tech} trade secrets from {victim}",
        "economic espionage" => $"economic espionage against {victim} {tech} research by a {role}",
        "export" => $"{role} exported {tech} components to China without a licence",
        "agent" => $"{role} acted as an unregistered agent of the PRC near {victim}",
        _ => $"{role} passed {tech} defence information to Chinese intelligence",
    };

    // The form a case record keeps: reading order, middle name and suffix, nickname in quotes.
    private static string CaseName(Person p) =>
        p.Chinese
            ? (p.Nickname is null ? $"{p.GivenName} {p.Family}" : $"{p.GivenName} \"{p.Nickname}\" {p.Family}")
            : string.Join(' ', new[] { p.Given[0], p.Middle, p.Family, p.Suffix }.OfType<string>());

    private static string Typo(Random random, string name)
    {
        var letters = Enumerable.Range(1, Math.Max(0, name.Length - 2)).Where(i => char.IsLetter(name[i]) && char.IsLetter(name[i + 1])).ToList();
        if (letters.Count == 0) return name;
        var i = Pick(random, letters);
        return random.Next(3) switch
        {
            0 => name[..i] + name[i + 1] + name[i] + name[(i + 2)..],
            1 => name[..i] + name[(i + 1)..],
            _ => name[..i] + (char)('a' + random.Next(26)) + name[(i + 1)..],
        };
    }

    private static string StripAccents(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text) builder.Append(Unaccented.TryGetValue(c, out var plain) ? plain : c.ToString());
        return builder.ToString();
    }

    private sealed record Style(double DropAccents, double FamilyFirstChinese, double Hyphenate, double Upper);

    // Given names as a list writes them: nickname or not, hyphenated or split syllables, middle name kept, cut or dropped.
    private static (string Given, string Family) Parts(Random random, Person p, Style style)
    {
        string given;
        if (p.Chinese)
        {
            given = p.Nickname is not null && Chance(random, 0.4) ? p.Nickname
                : p.Given.Length == 2 && Chance(random, style.Hyphenate) ? $"{p.Given[0]}-{char.ToUpperInvariant(p.Given[1][0])}{p.Given[1][1..]}"
                : p.GivenName;
        }
        else
        {
            var middle = p.Middle is null ? null : random.NextDouble() switch { < 0.4 => null, < 0.7 => p.Middle[0] + ".", _ => p.Middle };
            given = middle is null ? p.Given[0] : $"{p.Given[0]} {middle}";
        }
        var family = p.Family;
        if (Chance(random, style.DropAccents))
        {
            given = StripAccents(given);
            family = StripAccents(family);
        }
        return (given, family);
    }

    private static string Natural(Random random, Person p, Style style)
    {
        var (given, family) = Parts(random, p, style);
        var text = p.Chinese && Chance(random, style.FamilyFirstChinese) ? $"{family} {given}" : $"{given} {family}";
        if (p.Suffix is not null && Chance(random, 0.5)) text += $", {p.Suffix}";
        return Finish(random, text, style);
    }

    private static string Inverted(Random random, Person p, Style style)
    {
        var (given, family) = Parts(random, p, style);
        if (Chance(random, style.Upper)) family = family.ToUpperInvariant();
        return Finish(random, $"{family}, {given}", style with { Upper = 0 });
    }

    private static string Finish(Random random, string text, Style style)
    {
        if (Chance(random, 0.01)) text = Typo(random, text);
        return Chance(random, style.Upper) ? text.ToUpperInvariant() : text;
    }

    // Which defendants a list names: usually all, sometimes one of several.
    private static List<Person> Named(Random random, TrueCase c) =>
        c.Defendants.Count > 1 && Chance(random, 0.25) ? [Pick(random, c.Defendants)] : c.Defendants;

    private static DateOnly Near(Random random, Date date, int maxDays) => date.Precision switch
    {
        2 => date.Value.AddDays(Chance(random, 0.5) ? 0 : random.Next(1, maxDays + 1)),
        1 => date.Value.AddDays(random.Next(DateTime.DaysInMonth(date.Year, date.Month))),
        _ => date.Value.AddDays(random.Next(365)),
    };

    private static string Title(string text) =>
        string.Join(' ', text.Split(' ').Select(w => w.Length > 3 ? char.ToUpperInvariant(w[0]) + w[1..] : w));

    private static string DojHeadline(Random random, string stage, string role, string tech, string victim, string offence)
    {
        var charge = offence switch
        {
            "trade secrets" => $"Stealing {tech} Trade Secrets from {victim}",
            "economic espionage" => $"Economic Espionage Targeting {victim}",
            "export" => $"Illegally Exporting {tech} Components to China",
            "agent" => "Acting as an Agent of the People's Republic of China",
            _ => $"Conspiring to Pass {tech} Defense Information to China",
        };
        var who = Title(Chance(random, 0.5) ? $"former {role}" : $"{role}");
        return stage switch
        {
            "charged" => $"{who} Charged with {charge}",
            "pleaded" => $"{who} Pleads Guilty to {charge}",
            _ => $"{who} Sentenced to {random.Next(12, 240)} Months for {charge}",
        };
    }

    private static string DojReleases(Random random, List<TrueCase> cases, List<Truth> truth)
    {
        var style = new Style(DropAccents: 0.3, FamilyFirstChinese: 0.1, Hyphenate: 0.1, Upper: 0);
        var rows = new List<string[]>();
        var number = 0;
        string Url(string headline) =>
            $"https://www.justice.example/opa/pr/{string.Join('-', headline.ToLowerInvariant().Split(' ').Take(7).Select(w => new string([.. w.Where(char.IsAsciiLetterOrDigit)])).Where(w => w.Length > 0))}-{++number}";
        void Row(string? slug, DateOnly date, string headline, IEnumerable<Person> people, District? district, TrueCase? cited)
        {
            var url = Url(headline);
            rows.Add([url, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), headline,
                string.Join(", ", people.Select(p => Natural(random, p, style))), district?.Long ?? ""]);
            truth.Add(new Truth("doj", url, slug));
            // Some case records already cite the release they were built from.
            if (cited is not null && cited.Sources.Count == 0 && Chance(random, 0.4)) cited.Sources.Add(url);
        }

        foreach (var c in cases.Where(_ => Chance(random, 0.55)))
        {
            var anchor = c.ChargedOn ?? c.ActivityEnd ?? c.ActivityStart;
            Row(c.Slug, Near(random, anchor, 20), DojHeadline(random, "charged", c.Role, c.Tech, c.Victim, c.Offence), Named(random, c), c.District, c);
            if (c.ResolvedOn is { } resolved && Chance(random, 0.6))
            {
                var stage = Chance(random, 0.5) ? "pleaded" : "sentenced";
                Row(c.Slug, Near(random, resolved, 10), DojHeadline(random, stage, c.Role, c.Tech, c.Victim, c.Offence), Named(random, c), c.District, c);
            }
        }
        for (var i = 0; i < 40; i++)
        {
            var people = Strangers(random, cases);
            Row(null, RandomDay(random, 2001, 2024).Value,
                DojHeadline(random, Pick(random, (string[])["charged", "pleaded", "sentenced"]), Pick(random, Roles), Pick(random, Techs),
                    Pick(random, Victims), Pick(random, (string[])["trade secrets", "economic espionage", "export", "agent", "espionage"])),
                people, Chance(random, 0.9) ? Pick(random, Districts) : null, null);
        }
        Shuffle(random, rows);
        return Csv(["url", "date", "title", "defendants", "district"], rows);
    }

    private static string CsisSurvey(Random random, List<TrueCase> cases, List<Truth> truth)
    {
        var style = new Style(DropAccents: 0.2, FamilyFirstChinese: 0, Hyphenate: 0.15, Upper: 0.3);
        var rows = new List<(string? Slug, string[] Fields)>();
        void Row(string? slug, int year, IEnumerable<Person> people, string description, District? district)
        {
            // A survey sometimes places an incident where the victim is, not where the case was brought.
            if (district is not null && Chance(random, 0.1)) district = Pick(random, Districts);
            var place = district is null ? "" : Chance(random, 0.5) ? district.StateName : $"{Pick(random, district.Cities)}, {district.StateName}";
            rows.Add((slug, [year.ToString(CultureInfo.InvariantCulture), string.Join("; ", people.Select(p => Inverted(random, p, style))),
                description, place]));
        }

        foreach (var c in cases.Where(_ => Chance(random, 0.6)))
        {
            var year = (c.ChargedOn ?? c.ActivityEnd ?? c.ActivityStart).Year;
            Row(c.Slug, year, Named(random, c), Description(c.Offence, c.Role, c.Tech, c.Victim), c.District);
            // A survey sometimes counts one case twice, dated by the start of the activity the second time.
            if (Chance(random, 0.05)) Row(c.Slug, c.ActivityStart.Year, Named(random, c), Description(c.Offence, c.Role, c.Tech, c.Victim), c.District);
        }
        for (var i = 0; i < 20; i++)
        {
            Row(null, 2001 + random.Next(24), Strangers(random, cases),
                Description(Pick(random, (string[])["trade secrets", "economic espionage", "export", "agent", "espionage"]), Pick(random, Roles),
                    Pick(random, Techs), Pick(random, Victims)), Chance(random, 0.9) ? Pick(random, Districts) : null);
        }
        Shuffle(random, rows);
        // Incident ids follow the published order, as a survey numbers its incidents.
        var numbered = rows.Select((row, i) => (Id: $"CSIS-{i + 1:D4}", row.Slug, row.Fields)).ToList();
        truth.AddRange(numbered.Select(r => new Truth("csis", r.Id, r.Slug)));
        return Csv(["incident_id", "year", "names", "description", "location"], numbered.Select(r => (string[])[r.Id, .. r.Fields]));
    }

    private static string NewsHeadline(Random random, string role, string tech, string family, string offence, bool resolved)
    {
        var templates = resolved
            ? new[] { $"{family} sentenced to {random.Next(2, 20)} years in {tech} spy case", $"{role} gets prison for {tech} secrets",
                $"guilty plea in {tech} {offence} case" }
            : new[] { $"{role} arrested in {tech} trade secrets case", $"{family} charged with spying for China",
                $"feds accuse {role} of {offence} over {tech}" };
        return Pick(random, templates).ToUpperInvariant();
    }

    private static string NewsArchive(Random random, List<TrueCase> cases, List<Truth> truth)
    {
        var style = new Style(DropAccents: 0.6, FamilyFirstChinese: 0.25, Hyphenate: 0.15, Upper: 0.5);
        var lines = new List<string>();
        void Line(string? slug, DateOnly date, string headline, IEnumerable<Person> people, District? district)
        {
            var id = $"news-{lines.Count + 1:D5}";
            // A dateline is where the reporter was, not always where the case was brought.
            if (district is not null && Chance(random, 0.2)) district = Pick(random, Districts);
            var dateline = district is null ? null : $"{Pick(random, district.Cities).ToUpperInvariant()}, {district.ApName}";
            lines.Add(JsonSerializer.Serialize(new SortedDictionary<string, string?>(StringComparer.Ordinal)
            {
                ["id"] = id,
                ["published"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["headline"] = headline,
                ["people"] = string.Join(" and ", people.Select(p => Natural(random, p, style))),
                ["dateline"] = dateline,
            }, Json));
            truth.Add(new Truth("news", id, slug));
        }

        foreach (var c in cases.Where(_ => Chance(random, 0.45)))
        {
            var stories = random.NextDouble() switch { < 0.5 => 1, < 0.85 => 2, _ => 3 };
            for (var s = 0; s < stories; s++)
            {
                var resolved = c.ResolvedOn is not null && s > 0;
                var anchor = c.ChargedOn ?? c.ActivityEnd ?? c.ActivityStart;
                // A quarter of the stories follow the case between the charge and its end: a hearing, a trial day.
                var date = Chance(random, 0.25) ? Near(random, anchor, 0).AddDays(random.Next(30, 400))
                    : resolved ? Near(random, c.ResolvedOn!, 5) : Near(random, anchor, 5);
                Line(c.Slug, date, NewsHeadline(random, c.Role, c.Tech, c.Defendants[0].Family, c.Offence, resolved), Named(random, c), c.District);
            }
        }
        for (var i = 0; i < 50; i++)
        {
            var people = Strangers(random, cases);
            Line(null, RandomDay(random, 2001, 2024).Value,
                NewsHeadline(random, Pick(random, Roles), Pick(random, Techs), people[0].Family, "espionage", Chance(random, 0.5)), people,
                Chance(random, 0.8) ? Pick(random, Districts) : null);
        }
        // Archives are in publication order; ids were given in writing order, which stays.
        var ordered = lines.OrderBy(l => JsonDocument.Parse(l).RootElement.GetProperty("published").GetString(), StringComparer.Ordinal)
            .ThenBy(l => l, StringComparer.Ordinal);
        return string.Concat(ordered.Select(l => l + "\n"));
    }

    private static void Shuffle<T>(Random random, List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true, NewLine = "\n",
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    // The fields of the case record the matcher reads, spelled as the API spells them.
    private static string CasesJson(List<TrueCase> cases) =>
        JsonSerializer.Serialize(cases.Select(c => new
        {
            slug = c.Slug,
            title = c.Title,
            defendants = c.Defendants.Select(CaseName).ToArray(),
            victims = new[] { c.Victim },
            usStates = c.District is null ? Array.Empty<string>() : [c.District.Code],
            venue = c.VenueKnown ? c.District?.Short : null,
            activityStart = c.ActivityStart.ToString(),
            activityEnd = c.ActivityEnd?.ToString(),
            chargedOn = c.ChargedOn?.ToString(),
            resolvedOn = c.ResolvedOn?.ToString(),
            sources = c.Sources.Select(url => new { url, kind = "press-release" }).ToArray(),
        }), IndentedJson) + "\n";

    private static string Csv(string[] header, IEnumerable<string[]> rows)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }))
        {
            foreach (var field in header) csv.WriteField(field);
            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var field in row) csv.WriteField(field);
                csv.NextRecord();
            }
        }
        return writer.ToString();
    }
}
