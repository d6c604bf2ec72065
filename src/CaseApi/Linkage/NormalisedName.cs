namespace CaseApi.Linkage;

/// <summary>Whether a cell holds people or organisations: only people are split on "and"/"&amp;" and read in name order.</summary>
public enum NameKind { Person, Organisation }

/// <summary>
/// How a list writes a person's name, saved with the list's column mapping when known. <see cref="Auto"/> reads
/// "A, B" by the rule in <see cref="NameNormaliser"/>; the two others remove the ambiguity.
/// </summary>
public enum NameOrder { Auto, GivenFirst, FamilyFirst }

/// <summary>
/// One person or organisation name, folded (<see cref="TextFolding"/>) and split into given names and family name
/// (an organisation's words are all "family"; legal forms such as "Inc." are dropped). Honorifics and suffixes are
/// kept apart, nicknames ("Xuehua \"Edward\" Peng", or a parenthesised alias) are an alternative given name.
/// The keys are what comparisons use: <see cref="Key"/> in reading order, <see cref="SortedKey"/> independent of order
/// ("Xu Yanjun" and "Yanjun Xu" agree), <see cref="InitialsKey"/> with given names as initials.
/// </summary>
public sealed record NormalisedName(
    NameKind Kind, string Source, IReadOnlyList<string> Given, IReadOnlyList<string> Family, IReadOnlyList<string> Suffixes,
    IReadOnlyList<string> Nicknames)
{
    public IReadOnlyList<string> Tokens { get; } = [.. Given, .. Family];

    /// <summary>Given names then family name: "john a smith".</summary>
    public string Key => string.Join(' ', Tokens);

    /// <summary>The tokens in ordinal order: "a john smith".</summary>
    public string SortedKey => string.Join(' ', Tokens.Order(StringComparer.Ordinal));

    /// <summary>Initials of the given names, then the family name: "ja smith".</summary>
    public string InitialsKey => string.Concat(Given.Select(g => g[0])) + " " + string.Join(' ', Family);

    /// <summary>
    /// The token lists a comparison tries: the name as written, and with each nickname in place of the given names (an
    /// organisation's alias, such as "COMAC", stands alone).
    /// </summary>
    public IEnumerable<IReadOnlyList<string>> Forms()
    {
        yield return Tokens;
        foreach (var nickname in Nicknames)
        {
            yield return Kind == NameKind.Person ? [.. TextFolding.Words(nickname), .. Family] : TextFolding.Words(nickname);
        }
    }
}
