namespace CaseApi.Linkage;

/// <summary>
/// In-memory blocking, the same rule phase 2 runs in PostgreSQL with a pg_trgm index: a case is a candidate for an
/// entry when some form of a defendant's name (as written, or with a nickname) and some entry name have trigram
/// similarity at or above the threshold (pg_trgm's default for the % operator is 0.3), or when the case already cites
/// the entry's reference. Trigrams are taken as
/// pg_trgm takes them: per word, padded with two spaces before and one after; similarity is shared trigrams over the
/// union of both sets.
/// </summary>
public sealed class TrigramBlocker
{
    private readonly IReadOnlyList<CaseProfile> cases;
    private readonly double threshold;
    private readonly Dictionary<string, List<(int Case, int Name)>> index = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Case, int Name), int> sizes = [];
    private readonly Dictionary<string, List<int>> references = new(StringComparer.Ordinal);

    public TrigramBlocker(IReadOnlyList<CaseProfile> cases, double threshold = 0.3)
    {
        this.cases = cases;
        this.threshold = threshold;
        for (var c = 0; c < cases.Count; c++)
        {
            // Every form of every defendant is a name of its own: "Xuehua \"Edward\" Peng" is found by "Edward Peng" too.
            foreach (var form in cases[c].Defendants.SelectMany(d => d.Forms()))
            {
                var trigrams = Trigrams(form);
                var n = sizes.Count;
                sizes[(c, n)] = trigrams.Count;
                foreach (var trigram in trigrams)
                {
                    if (!index.TryGetValue(trigram, out var postings)) index[trigram] = postings = [];
                    postings.Add((c, n));
                }
            }
            foreach (var reference in cases[c].References)
            {
                if (!references.TryGetValue(reference, out var list)) references[reference] = list = [];
                list.Add(c);
            }
        }
    }

    /// <summary>The candidate cases of an entry, in the order the cases were given.</summary>
    public IReadOnlyList<CaseProfile> Candidates(EntryProfile entry)
    {
        var found = new SortedSet<int>();
        foreach (var form in entry.Names.SelectMany(n => n.Forms()))
        {
            var trigrams = Trigrams(form);
            var shared = new Dictionary<(int Case, int Name), int>();
            foreach (var trigram in trigrams)
            {
                if (!index.TryGetValue(trigram, out var postings)) continue;
                foreach (var posting in postings) shared[posting] = shared.GetValueOrDefault(posting) + 1;
            }
            foreach (var (posting, count) in shared)
            {
                if ((double)count / (trigrams.Count + sizes[posting] - count) >= threshold) found.Add(posting.Case);
            }
        }
        if (entry.Reference is { } reference && references.TryGetValue(reference, out var citing)) found.UnionWith(citing);
        return [.. found.Select(i => cases[i])];
    }

    /// <summary>pg_trgm's similarity() of two folded word lists: shared trigrams over the union of both sets.</summary>
    public static double Similarity(IEnumerable<string> a, IEnumerable<string> b)
    {
        var x = Trigrams(a);
        var y = Trigrams(b);
        var shared = x.Count(y.Contains);
        return x.Count + y.Count == shared ? 0 : (double)shared / (x.Count + y.Count - shared);
    }

    /// <summary>pg_trgm's trigrams of folded words: "  j", " jo", "joh", "ohn", "hn " for "john".</summary>
    public static HashSet<string> Trigrams(IEnumerable<string> words)
    {
        var trigrams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            var padded = "  " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++) trigrams.Add(padded.Substring(i, 3));
        }
        return trigrams;
    }
}
