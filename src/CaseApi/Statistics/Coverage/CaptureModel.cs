namespace CaseApi.Statistics.Coverage;

/// <summary>How catchability may differ between cases, as a log-linear term in the number of lists a case is on.</summary>
public enum Heterogeneity { None, ChaoLowerBound, Poisson2, Darroch, Gamma35 }

/// <summary>
/// One Poisson log-linear model of the 2^k − 1 observed cells (Fienberg 1972; Cormack 1989): an intercept (whose
/// exponential predicts the unseen cell), either one effect per list (Mt) or one common effect of the number of lists
/// a case is on (M0), pairwise interactions between lists, and optionally a heterogeneity term in that number, the
/// Mh/Mth models of Rivest &amp; Baillargeon (2007, J. Stat. Softw. 19(5); Rcapture's closedp.t).
/// </summary>
public sealed record CaptureModel(IReadOnlyList<(int A, int B)> Interactions, bool ListEffects, Heterogeneity Heterogeneity)
{
    /// <summary>The log-linear family that the headline averages over; heterogeneity models are shown beside it.</summary>
    public bool IsLogLinear => Heterogeneity == Heterogeneity.None;

    /// <summary>
    /// Every model compared for k lists: M0, then Mt with every set of two-way interactions (2^(k(k−1)/2) models, all
    /// hierarchical because every main effect is in), then Mh and Mth with each heterogeneity term (three lists or more).
    /// </summary>
    public static IReadOnlyList<CaptureModel> All(int lists)
    {
        var pairs = (from a in Enumerable.Range(0, lists) from b in Enumerable.Range(a + 1, lists - a - 1) select (a, b)).ToList();
        List<CaptureModel> models = [new([], false, Heterogeneity.None)];
        // Two lists leave three cells: an interaction would use the last degree of freedom and more.
        var subsets = lists == 2 ? 1 : 1 << pairs.Count;
        for (var subset = 0; subset < subsets; subset++)
        {
            models.Add(new([.. pairs.Where((_, i) => (subset & (1 << i)) != 0)], true, Heterogeneity.None));
        }
        if (lists >= 3)
        {
            foreach (var heterogeneity in
                new[] { Heterogeneity.ChaoLowerBound, Heterogeneity.Poisson2, Heterogeneity.Darroch, Heterogeneity.Gamma35 })
            {
                models.Add(new([], false, heterogeneity));
                models.Add(new([], true, heterogeneity));
            }
        }
        return models;
    }

    /// <summary>Rcapture's names for M0 and the heterogeneity models; "Mt" plus the interactions (a:b) otherwise.</summary>
    public string Name(IReadOnlyList<string> lists)
    {
        var effects = ListEffects ? "Mth" : "Mh";
        return Heterogeneity switch
        {
            Heterogeneity.ChaoLowerBound => $"{effects} Chao (LB)",
            Heterogeneity.Poisson2 => $"{effects} Poisson2",
            Heterogeneity.Darroch => $"{effects} Darroch",
            Heterogeneity.Gamma35 => $"{effects} Gamma3.5",
            _ when !ListEffects => "M0",
            _ when Interactions.Count == 0 => "Mt",
            _ => "Mt + " + string.Join(" + ", InteractionNames(lists)),
        };
    }

    public IReadOnlyList<string> InteractionNames(IReadOnlyList<string> lists) => [.. Interactions.Select(p => $"{lists[p.A]}:{lists[p.B]}")];

    /// <summary>
    /// The first column that may be dropped when its coefficient is negative: Chao's η terms, which Rcapture removes one
    /// at a time while negative (a negative η would mean fewer cases seen once than the lower bound allows).
    /// </summary>
    public int FirstDroppable(int lists) => Heterogeneity == Heterogeneity.ChaoLowerBound ? 1 + (ListEffects ? lists : 1) : int.MaxValue;

    /// <summary>Design rows for the cells with masks <paramref name="firstMask"/> … 2^k − 1 (0 is the unseen cell: intercept only).</summary>
    public double[][] Design(CaptureHistories h, int firstMask)
    {
        var k = h.ListCount;
        return [.. Enumerable.Range(firstMask, h.Counts.Count - firstMask).Select(mask =>
        {
            var captures = System.Numerics.BitOperations.PopCount((uint)mask);
            List<double> row = [1];
            if (ListEffects) row.AddRange(Enumerable.Range(0, k).Select(list => h.IsOn(mask, list) ? 1.0 : 0));
            else row.Add(captures);
            row.AddRange(Interactions.Select(p => h.IsOn(mask, p.A) && h.IsOn(mask, p.B) ? 1.0 : 0));
            row.AddRange(HeterogeneityColumns(captures, k));
            return row.ToArray();
        })];
    }

    // Rivest & Baillargeon (2007), §2 and Rcapture's Xclosedp: Chao's lower bound (Rivest & Lévesque 2001) as the terms
    // max(c − j + 1, 0), j = 3…k; Poisson2 2^c − 1; Darroch c²/2 (Darroch et al. 1993); Gamma3.5 −ln(1 + c/3.5).
    private IEnumerable<double> HeterogeneityColumns(int captures, int lists) => Heterogeneity switch
    {
        Heterogeneity.ChaoLowerBound => Enumerable.Range(3, lists - 2).Select(j => (double)Math.Max(captures - j + 1, 0)),
        Heterogeneity.Poisson2 => [Math.Pow(2, captures) - 1],
        Heterogeneity.Darroch => [captures * captures / 2.0],
        Heterogeneity.Gamma35 => [-Math.Log(3.5 + captures) + Math.Log(3.5)],
        _ => [],
    };
}
