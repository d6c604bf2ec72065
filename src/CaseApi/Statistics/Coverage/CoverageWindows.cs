namespace CaseApi.Statistics.Coverage;

/// <summary>A list's coverage period in years, both ends inclusive and either open (null).</summary>
public sealed record CoverageWindow(string List, int? From, int? To)
{
    public bool Covers(int? from, int? to) => (From is null || (from is not null && From <= from)) && (To is null || (to is not null && To >= to));
}

/// <summary>
/// Coverage periods as structural zeros: a case dated outside a list's period cannot be on it, and counting it as missed
/// biases every model. Either keep the years all lists cover, or cut the years into periods (strata) covered by the same
/// lists and analyse each with its own lists (the stratified alternative).
/// </summary>
public static class CoverageWindows
{
    /// <summary>The years every window and the filter's own from/to allow; From &gt; To when they do not overlap.</summary>
    public static (int? From, int? To) Common(IEnumerable<CoverageWindow> windows, int? from, int? to)
    {
        foreach (var window in windows)
        {
            if (window.From is { } f) from = from is null ? f : Math.Max(from.Value, f);
            if (window.To is { } t) to = to is null ? t : Math.Min(to.Value, t);
        }
        return (from, to);
    }

    /// <summary>
    /// The periods between consecutive window ends (within the filter's from/to), each with the lists covering all of it,
    /// in years order. Open ends stay open (null).
    /// </summary>
    public static IReadOnlyList<(int? From, int? To, IReadOnlyList<string> Lists)> Strata(IReadOnlyList<CoverageWindow> windows, int? from, int? to)
    {
        var starts = windows.SelectMany(w => new[] { w.From, w.To + 1 }).OfType<int>()
            .Where(y => (from is null || y > from) && (to is null || y <= to)).Distinct().Order().ToList();
        List<(int? From, int? To)> periods = [];
        int? start = from;
        foreach (var next in starts)
        {
            periods.Add((start, next - 1));
            start = next;
        }
        periods.Add((start, to));
        return [.. periods.Select(p => (p.From, p.To, (IReadOnlyList<string>)[.. windows.Where(w => w.Covers(p.From, p.To)).Select(w => w.List)]))];
    }
}
