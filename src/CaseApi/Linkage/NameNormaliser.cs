using System.Text.RegularExpressions;

namespace CaseApi.Linkage;

/// <summary>
/// Reads a cell of names as published ("Kevin Mallory, Xuehua Peng", "MALLORY, Kevin; PENG, Xuehua",
/// "KEVIN MALLORY AND EDWARD PENG") into normalised names. People are separated by ";", "&amp;", "|", new lines and the
/// word "and"; commas separate either names or a family name from given names, decided per segment:
/// <list type="bullet">
/// <item><see cref="NameOrder.FamilyFirst"/>: commas pair up, "Last, First, Last, First".</item>
/// <item><see cref="NameOrder.GivenFirst"/>: every comma separates two names.</item>
/// <item><see cref="NameOrder.Auto"/>: a segment of exactly two comma parts is one inverted name when either part is
/// a single word ("Smith, John", "Smith, John Paul", "Van Damme, Jean") or the first starts with a family-name particle
/// ("de la Cruz, Maria Elena"); two parts of two or more words each are two names ("John Smith, Mary Jones"); four
/// or more single-word parts, an even number, pair up as inverted names; anything else is one name per part. The
/// cost of the rule: a list of two names one of which is a single word ("John Smith, Madonna") reads as one
/// inverted name, which is why a list's column mapping can state its order.</item>
/// </list>
/// A comma part made only of suffixes or honorifics ("Jr.", "PhD") belongs to the name before it, never a name.
/// </summary>
public static partial class NameNormaliser
{
    private static readonly HashSet<string> Honorifics = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "hon", "rev", "fr", "capt", "captain",
        "col", "colonel", "gen", "general", "lt", "maj", "sgt", "cpl", "pvt", "adm", "cmdr",
    };

    private static readonly HashSet<string> Suffixes = new(StringComparer.Ordinal)
    {
        "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "jd", "cpa",
    };

    // Words that belong to the family name that follows them: "Maria de la Cruz", "Ludwig van Beethoven".
    private static readonly HashSet<string> Particles = new(StringComparer.Ordinal)
    {
        "de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos", "das", "st", "ter", "ten",
        "bin", "binti", "al", "el", "ibn",
    };

    private static readonly HashSet<string> LegalForms = new(StringComparer.Ordinal)
    {
        "inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "corporation", "company", "plc", "gmbh", "ag", "sa",
        "lp", "llp", "pty", "bv", "nv", "srl", "spa", "kk",
    };

    [GeneratedRegex(@"\s*(?:;|&|\||\r?\n|\band\b)\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PeopleSeparator();

    [GeneratedRegex(@"\s*(?:;|\r?\n)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex OrganisationSeparator();

    // A nickname or alias: "Xuehua "Edward" Peng", "Zheng Xiaoqing (Steven)". Curly quotes are ASCII by then.
    [GeneratedRegex(@"""([^""]*)""|\(([^)]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex Nickname();

    [GeneratedRegex(@"^\s*(?:a\.?\s?k\.?\s?a\.?|also known as|formerly)\s*:?\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AlsoKnownAs();

    /// <summary>Every person named in a list cell, in the order written.</summary>
    public static IReadOnlyList<NormalisedName> ParsePeople(string? cell, NameOrder order = NameOrder.Auto)
    {
        if (string.IsNullOrWhiteSpace(cell)) return [];
        var names = new List<NormalisedName>();
        foreach (var segment in PeopleSeparator().Split(TextFolding.ToAscii(cell)))
        {
            var parts = CommaParts(segment);
            var inverted = order switch
            {
                NameOrder.FamilyFirst => true,
                NameOrder.GivenFirst => false,
                _ => parts.Count == 2 && (parts.Any(p => p.Words == 1) || Particles.Contains(FirstWord(parts[0].Text)))
                    || parts.Count >= 4 && parts.Count % 2 == 0 && parts.All(p => p.Words == 1),
            };
            for (var i = 0; i < parts.Count; i++)
            {
                var name = inverted && i + 1 < parts.Count
                    ? Person(parts[i], parts[++i])
                    : Person(parts[i], null);
                if (name is not null) names.Add(name);
            }
        }
        return names;
    }

    /// <summary>
    /// One person's name, as a case stores each defendant: never split, and "Last, First" when a comma separates
    /// anything but a suffix.
    /// </summary>
    public static NormalisedName? ParsePerson(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var parts = CommaParts(TextFolding.ToAscii(name));
        return parts.Count switch
        {
            0 => null,
            1 => Person(parts[0], null),
            _ => Person(parts[0], new Part(string.Join(' ', parts.Skip(1).Select(p => p.Text)), parts[1].Suffixes, 0)),
        };
    }

    /// <summary>Every organisation in a cell: separated by ";" or new lines only, since commas and "&amp;" belong to names.</summary>
    public static IReadOnlyList<NormalisedName> ParseOrganisations(string? cell) =>
        string.IsNullOrWhiteSpace(cell)
            ? []
            : [.. OrganisationSeparator().Split(TextFolding.ToAscii(cell)).Select(ParseOrganisation).OfType<NormalisedName>()];

    /// <summary>One organisation's name: a leading "the" and trailing legal forms ("Co., Ltd.") are dropped.</summary>
    public static NormalisedName? ParseOrganisation(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var (text, aliases) = WithoutNicknames(TextFolding.ToAscii(name));
        var words = TextFolding.Words(text).ToList();
        if (words.Count > 1 && words[0] == "the") words.RemoveAt(0);
        while (words.Count > 1 && LegalForms.Contains(words[^1])) words.RemoveAt(words.Count - 1);
        return words.Count == 0 ? null : new NormalisedName(NameKind.Organisation, name.Trim(), [], words, [], aliases);
    }

    private sealed record Part(string Text, List<string> Suffixes, int Words);

    // Comma parts of one segment, outside quotes and parentheses; parts made only of suffixes or honorifics join the
    // part before them.
    private static List<Part> CommaParts(string segment)
    {
        var parts = new List<Part>();
        foreach (var raw in SplitOutsideBrackets(segment))
        {
            var words = TextFolding.Words(WithoutNicknames(raw).Text);
            if (words.Count == 0) continue;
            if (words.All(w => Suffixes.Contains(w) || Honorifics.Contains(w)))
            {
                if (parts.Count > 0) parts[^1].Suffixes.AddRange(words.Where(Suffixes.Contains));
                continue;
            }
            var significant = WhitespaceWords(WithoutNicknames(raw).Text)
                .Count(w => TextFolding.Words(w) is { Count: > 0 } folded && !folded.All(f => Suffixes.Contains(f) || Honorifics.Contains(f)));
            parts.Add(new Part(raw.Trim(), [], significant));
        }
        return parts;
    }

    private static IEnumerable<string> SplitOutsideBrackets(string text)
    {
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"': quoted = !quoted; break;
                case '(': depth++; break;
                case ')': depth = Math.Max(0, depth - 1); break;
                case ',' when depth == 0 && !quoted:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return text[start..];
    }

    private static (string Text, List<string> Nicknames) WithoutNicknames(string text)
    {
        var nicknames = new List<string>();
        var rest = Nickname().Replace(text, m =>
        {
            var inner = AlsoKnownAs().Replace(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, "").Trim();
            if (TextFolding.Words(inner).Count > 0) nicknames.Add(inner);
            return " ";
        });
        return (rest, nicknames);
    }

    private static string[] WhitespaceWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FirstWord(string text) => TextFolding.Words(text) is { Count: > 0 } words ? words[0] : "";

    // A name in reading order, or (family, given) when inverted. Each whitespace word may hold several tokens: hyphens
    // split "Smith-Jones" and periods split "J.A." into initials, but the family name is the last whitespace word, with
    // the particles before it.
    private static NormalisedName? Person(Part first, Part? second)
    {
        var (firstText, nicknames) = WithoutNicknames(first.Text);
        var words = Tokenised(firstText);
        List<string[]> given, family;
        var suffixes = new List<string>(first.Suffixes);
        if (second is not null)
        {
            var (secondText, more) = WithoutNicknames(second.Text);
            nicknames.AddRange(more);
            suffixes.AddRange(second.Suffixes);
            family = Strip(words, suffixes);
            given = Strip(Tokenised(secondText), suffixes);
        }
        else
        {
            var all = Strip(words, suffixes);
            var split = all.Count - 1;
            while (split > 1 && all[split - 1] is [var particle] && Particles.Contains(particle)) split--;
            given = all[..Math.Max(0, split)];
            family = all[Math.Max(0, split)..];
        }
        if (family.Count == 0 && given.Count == 0) return null;
        if (family.Count == 0) (family, given) = (given, family);
        return new NormalisedName(NameKind.Person, (first.Text + (second is null ? "" : ", " + second.Text)).Trim(),
            [.. given.SelectMany(w => w)], [.. family.SelectMany(w => w)], suffixes, nicknames);
    }

    private static List<string[]> Tokenised(string text) =>
        [.. WhitespaceWords(text).Select(w => TextFolding.Words(w).ToArray()).Where(w => w.Length > 0)];

    // Leading honorifics and trailing suffixes leave the words; a lone word is kept even if it looks like one.
    private static List<string[]> Strip(List<string[]> words, List<string> suffixes)
    {
        var list = new List<string[]>(words);
        while (list.Count > 1 && list[0] is [var honorific] && Honorifics.Contains(honorific)) list.RemoveAt(0);
        while (list.Count > 1 && list[^1] is [var suffix] && Suffixes.Contains(suffix))
        {
            suffixes.Add(suffix);
            list.RemoveAt(list.Count - 1);
        }
        return list;
    }
}
