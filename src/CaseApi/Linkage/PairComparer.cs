using CaseApi.Cases;

namespace CaseApi.Linkage;

/// <summary>An entry's fields as compared: parsed names, content words of the headline, states, reference key.</summary>
public sealed record EntryProfile(
    ListEntry Entry, IReadOnlyList<NormalisedName> Names, IReadOnlySet<string> HeadlineWords, IReadOnlyList<string> States,
    string? Reference)
{
    public static EntryProfile From(ListEntry entry)
    {
        var names = NameNormaliser.ParsePeople(entry.Names, entry.NameOrder);
        return new(entry, names, PairComparer.ContentWords(entry.Headline, names), UsPlaces.Find(entry.Places),
            PairComparer.ReferenceKey(entry.Reference));
    }
}

/// <summary>A case's fields as compared; built once per case, whatever the number of entries it is compared with.</summary>
public sealed record CaseProfile(
    CandidateCase Case, IReadOnlyList<NormalisedName> Defendants, IReadOnlySet<string> TitleWords, IReadOnlyList<string> States,
    IReadOnlySet<string> References)
{
    public static CaseProfile From(CandidateCase candidate)
    {
        var defendants = candidate.Defendants.Select(NameNormaliser.ParsePerson).OfType<NormalisedName>().ToList();
        return new(candidate, defendants, PairComparer.ContentWords(candidate.Title, defendants),
            UsPlaces.Find([.. candidate.UsStates, candidate.Venue]),
            candidate.References.Select(PairComparer.ReferenceKey).OfType<string>().ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// Turns an (entry, case) pair into a <see cref="ComparisonVector"/>. Levels, strongest first:
/// <list type="bullet">
/// <item>name: the best <see cref="NameComparison"/> level between any entry name and any defendant.</item>
/// <item>date: the entry's date against the case's charge and resolution dates and its activity period, each a
/// period as precise as given ("2017" is the whole year). The distance is the gap between the periods, but never
/// finer than the coarser precision (a month-precise date is at best "within-month") and, for the activity period,
/// never finer than a year; the smallest over the case's dates gives the level: 0 same, ≤ 31 days within-month,
/// ≤ 366 within-year, ≤ 1,096 within-3-years, else none.</item>
/// <item>title: the Dice coefficient of content words (stop words and the compared people's names left out, so the
/// name feature is not counted twice; words cut to six letters, a crude stemmer) of headline and title.</item>
/// <item>place: some state in common between the entry's place text and the case's states and venue.</item>
/// <item>reference: the entry's URL or id among the case's source URLs and list references (scheme, "www." and a
/// trailing slash and a fragment ignored).</item>
/// </list>
/// </summary>
public sealed class PairComparer(LinkageOptions options)
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "at", "by", "with", "from", "as", "is", "was", "be",
        "been", "are", "his", "her", "their", "its", "after", "over", "into", "about", "us", "u", "s", "v", "vs", "who",
        "that", "this", "two", "one", "three", "man", "woman", "mr", "ms",
    };

    public ComparisonVector Compare(EntryProfile entry, CaseProfile candidate) => new(
        NameLevel(entry, candidate), DateLevel(entry.Entry.Date, candidate.Case), TitleLevel(entry, candidate),
        PlaceLevel(entry, candidate), ReferenceLevel(entry, candidate));

    private int NameLevel(EntryProfile entry, CaseProfile candidate) =>
        entry.Names.Count == 0 || candidate.Defendants.Count == 0
            ? LinkageFeatures.Missing
            : (int)NameComparison.Best(entry.Names, candidate.Defendants, options.FuzzyNameThreshold);

    internal static int DateLevel(PartialDate? date, CandidateCase candidate)
    {
        if (date is not { } d) return LinkageFeatures.Missing;
        var distances = new List<int>();
        foreach (var e in new[] { candidate.ChargedOn, candidate.ResolvedOn })
        {
            if (e is { } ev) distances.Add(Math.Max(Gap(d.Value, d.Last, ev.Value, ev.Last), Resolution(Coarser(d.Precision, ev.Precision))));
        }
        if (candidate.ActivityStart is { } start)
        {
            var end = (candidate.ActivityEnd ?? start).Last;
            distances.Add(Math.Max(Gap(d.Value, d.Last, start.Value, end), Resolution(DatePrecision.Year)));
        }
        if (distances.Count == 0) return LinkageFeatures.Missing;
        return distances.Min() switch
        {
            0 => 0,
            <= 31 => 1,
            <= 366 => 2,
            <= 1096 => 3,
            _ => 4,
        };
    }

    private static int Gap(DateOnly aStart, DateOnly aEnd, DateOnly bStart, DateOnly bEnd) =>
        Math.Max(0, Math.Max(aStart.DayNumber - bEnd.DayNumber, bStart.DayNumber - aEnd.DayNumber));

    private static DatePrecision Coarser(DatePrecision a, DatePrecision b) => a < b ? a : b;

    private static int Resolution(DatePrecision precision) => precision switch
    {
        DatePrecision.Day => 0,
        DatePrecision.Month => 31,
        _ => 366,
    };

    private int TitleLevel(EntryProfile entry, CaseProfile candidate)
    {
        if (entry.HeadlineWords.Count == 0 || candidate.TitleWords.Count == 0) return LinkageFeatures.Missing;
        var common = entry.HeadlineWords.Count(candidate.TitleWords.Contains);
        var dice = 2.0 * common / (entry.HeadlineWords.Count + candidate.TitleWords.Count);
        return dice >= options.TitleHigh ? 0 : dice >= options.TitleSome ? 1 : 2;
    }

    private static int PlaceLevel(EntryProfile entry, CaseProfile candidate) =>
        entry.States.Count == 0 || candidate.States.Count == 0 ? LinkageFeatures.Missing
        : entry.States.Any(candidate.States.Contains) ? 0 : 1;

    private static int ReferenceLevel(EntryProfile entry, CaseProfile candidate) =>
        entry.Reference is null || candidate.References.Count == 0 ? LinkageFeatures.Missing
        : candidate.References.Contains(entry.Reference) ? 0 : 1;

    internal static IReadOnlySet<string> ContentWords(string? text, IReadOnlyList<NormalisedName> names)
    {
        var nameTokens = names.SelectMany(n => n.Forms().SelectMany(f => f)).ToHashSet(StringComparer.Ordinal);
        return TextFolding.Words(text)
            .Where(w => !StopWords.Contains(w) && !nameTokens.Contains(w))
            .Select(w => w.Length > 6 ? w[..6] : w)
            .ToHashSet(StringComparer.Ordinal);
    }

    internal static string? ReferenceKey(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference)) return null;
        var key = reference.Trim().ToLowerInvariant();
        foreach (var prefix in new[] { "https://", "http://" })
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) key = key[prefix.Length..];
        }
        if (key.StartsWith("www.", StringComparison.Ordinal)) key = key[4..];
        var cut = key.IndexOf('#', StringComparison.Ordinal);
        return (cut >= 0 ? key[..cut] : key).TrimEnd('/');
    }
}
