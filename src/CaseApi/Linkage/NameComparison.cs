using F23.StringSimilarity;

namespace CaseApi.Linkage;

/// <summary>How closely two names agree, strongest first.</summary>
public enum NameAgreement { Exact, TokenSet, Fuzzy, None }

/// <summary>
/// Compares normalised names (<see cref="NameNormaliser"/>) at four levels:
/// <list type="bullet">
/// <item><see cref="NameAgreement.Exact"/>: the same tokens in the same order.</item>
/// <item><see cref="NameAgreement.TokenSet"/>: the same tokens in another order ("Xu Yanjun", "Yanjun Xu"); the same
/// letters split differently ("Yan-Jun Xu", "Xu Yanjun"); or every token of the shorter name (two at least) found in
/// the longer, an initial standing for any token it begins ("J. A. Smith", "John Smith"; "John Smith",
/// "John Andrew Smith"), with at least one whole token in common.</item>
/// <item><see cref="NameAgreement.Fuzzy"/>: the shorter name (two tokens at least) against the longer by the
/// Monge–Elkan mean of Jaro–Winkler similarities at or above the threshold — each token scored by its best match
/// (Monge &amp; Elkan 1996; Jaro–Winkler: Winkler 1990, Proc. Survey Research Methods Section, ASA, 354–359; the
/// combination as recommended for names by Cohen, Ravikumar &amp; Fienberg 2003, IJCAI workshop on information
/// integration). A typo in one token of a two-token name lands here.</item>
/// <item><see cref="NameAgreement.None"/>: anything else, including one-token names that are not equal.</item>
/// </list>
/// </summary>
public static class NameComparison
{
    // Winkler's prefix bonus applies above Jaro 0.7, the standard boost threshold (Winkler 1990).
    private static readonly JaroWinkler Similarity = new();

    /// <summary>The best agreement between any name of <paramref name="left"/> and any of <paramref name="right"/>.</summary>
    public static NameAgreement Best(IReadOnlyList<NormalisedName> left, IReadOnlyList<NormalisedName> right, double fuzzyThreshold)
    {
        var best = NameAgreement.None;
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                var level = Compare(a, b, fuzzyThreshold);
                if (level < best) best = level;
                if (best == NameAgreement.Exact) return best;
            }
        }
        return best;
    }

    /// <summary>The agreement of two names, the best over their forms (as written, and with nicknames).</summary>
    public static NameAgreement Compare(NormalisedName a, NormalisedName b, double fuzzyThreshold)
    {
        var best = SameLettersSplitDifferently(a, b) ? NameAgreement.TokenSet : NameAgreement.None;
        foreach (var x in a.Forms())
        {
            foreach (var y in b.Forms())
            {
                var level = Compare(x, y, fuzzyThreshold);
                if (level < best) best = level;
            }
        }
        return best;
    }

    private static NameAgreement Compare(IReadOnlyList<string> a, IReadOnlyList<string> b, double fuzzyThreshold)
    {
        if (a.Count == 0 || b.Count == 0) return NameAgreement.None;
        if (a.SequenceEqual(b, StringComparer.Ordinal)) return NameAgreement.Exact;
        if (a.Count == b.Count && a.Order(StringComparer.Ordinal).SequenceEqual(b.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            return NameAgreement.TokenSet;
        }
        var (shorter, longer) = a.Count <= b.Count ? (a, b) : (b, a);
        if (shorter.Count < 2) return NameAgreement.None;
        if (Contained(shorter, longer)) return NameAgreement.TokenSet;
        return MongeElkan(shorter, longer) >= fuzzyThreshold ? NameAgreement.Fuzzy : NameAgreement.None;
    }

    // Greedy one-to-one assignment: whole tokens first, then initials, so "J. Smith" cannot use "smith" twice.
    private static bool Contained(IReadOnlyList<string> shorter, IReadOnlyList<string> longer)
    {
        var used = new bool[longer.Count];
        var whole = 0;
        var pending = new List<string>();
        foreach (var token in shorter)
        {
            var i = IndexOf(longer, used, t => t == token);
            if (i < 0) pending.Add(token);
            else
            {
                used[i] = true;
                if (token.Length > 1) whole++;
            }
        }
        foreach (var token in pending)
        {
            var i = IndexOf(longer, used, t => (t.Length == 1 || token.Length == 1) && t[0] == token[0]);
            if (i < 0) return false;
            used[i] = true;
        }
        return whole >= 1;
    }

    private static int IndexOf(IReadOnlyList<string> tokens, bool[] used, Func<string, bool> match)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!used[i] && match(tokens[i])) return i;
        }
        return -1;
    }

    // Monge–Elkan: the mean over the shorter name's tokens of the best similarity to a token of the longer. An initial
    // against a token it begins scores 1, as in the containment test.
    private static double MongeElkan(IReadOnlyList<string> shorter, IReadOnlyList<string> longer) =>
        shorter.Average(s => longer.Max(l => (s.Length == 1 || l.Length == 1) ? (s[0] == l[0] ? 1.0 : 0.0) : Similarity.Similarity(s, l)));

    private static bool SameLettersSplitDifferently(NormalisedName a, NormalisedName b)
    {
        if (a.Tokens.Count == b.Tokens.Count) return false;
        var (ag, af) = (string.Concat(a.Given), string.Concat(a.Family));
        var (bg, bf) = (string.Concat(b.Given), string.Concat(b.Family));
        return ag.Length > 0 && bg.Length > 0 && (ag + af == bg + bf || af + ag == bg + bf || ag + af == bf + bg);
    }
}
