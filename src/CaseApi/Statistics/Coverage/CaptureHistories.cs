namespace CaseApi.Statistics.Coverage;

/// <summary>
/// How many cases were seen with each capture pattern across k named lists. Pattern <c>mask</c> has one bit per
/// list, the first list in the highest bit, so its k-digit binary form is the pattern clients read ("101" = on the
/// first and third list). <c>Counts[0]</c>, the cases no list has seen, is what the estimators predict.
/// </summary>
public sealed class CaptureHistories
{
    public CaptureHistories(IReadOnlyList<string> lists, IReadOnlyList<long> counts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lists.Count, 2, nameof(lists));
        ArgumentOutOfRangeException.ThrowIfNotEqual(counts.Count, 1 << lists.Count, nameof(counts));
        if (counts[0] != 0 || counts.Any(c => c < 0)) throw new ArgumentException("Counts are non-negative and the unseen cell is unknown " +
            "(0).", nameof(counts));
        Lists = lists;
        Counts = counts;
    }

    public IReadOnlyList<string> Lists { get; }

    public IReadOnlyList<long> Counts { get; }

    public int ListCount => Lists.Count;

    /// <summary>Cases on at least one of the lists.</summary>
    public long Observed => Counts.Sum();

    /// <summary>Builds histories from patterns as strings ("10", "011") and their counts; patterns left out count 0.</summary>
    public static CaptureHistories FromPatterns(IReadOnlyList<string> lists, IEnumerable<KeyValuePair<string, long>> patterns)
    {
        var counts = new long[1 << lists.Count];
        foreach (var (pattern, count) in patterns) counts[Convert.ToInt32(pattern, 2)] += count;
        return new CaptureHistories(lists, counts);
    }

    public string Pattern(int mask) => Convert.ToString(mask, 2).PadLeft(ListCount, '0');

    /// <summary>Whether the cases of pattern <paramref name="mask"/> are on list <paramref name="list"/> (0-based, request order).</summary>
    public bool IsOn(int mask, int list) => ((mask >> (ListCount - 1 - list)) & 1) == 1;

    /// <summary>f_j: the cases seen on exactly <paramref name="lists"/> lists.</summary>
    public long SeenOn(int lists) => Enumerable.Range(1, Counts.Count - 1)
        .Where(mask => System.Numerics.BitOperations.PopCount((uint)mask) == lists).Sum(mask => Counts[mask]);

    /// <summary>Cases on list <paramref name="list"/> (n_i).</summary>
    public long OnList(int list) => Enumerable.Range(1, Counts.Count - 1).Where(mask => IsOn(mask, list)).Sum(mask => Counts[mask]);

    /// <summary>Every observable pattern with its count, zeros included, in pattern order.</summary>
    public IReadOnlyDictionary<string, long> ByPattern() =>
        Enumerable.Range(1, Counts.Count - 1).OrderBy(Pattern, StringComparer.Ordinal).ToDictionary(Pattern, mask => Counts[mask]);
}
