namespace CaseApi.Linkage;

/// <summary>A candidate case of an entry, compared and scored.</summary>
public sealed record ScoredCandidate(string CaseKey, ComparisonVector Comparison, MatchScore Score);

/// <summary>Where an entry stands after scoring: linked without review, waiting for review, or matching no case.</summary>
public enum EntryStatus { Linked, Suggested, Unmatched }

/// <summary>
/// An entry's candidates, best first (ties by case key), those at or above the suggestion threshold, and the case it
/// was linked to without review, if any.
/// </summary>
public sealed record EntryLinkage(ListEntry Entry, IReadOnlyList<ScoredCandidate> Candidates, EntryStatus Status, string? LinkedCaseKey)
{
    public static EntryLinkage Decide(ListEntry entry, IEnumerable<ScoredCandidate> candidates, LinkageOptions options)
    {
        var ranked = candidates.OrderByDescending(c => c.Score.Weight).ThenBy(c => c.CaseKey, StringComparer.Ordinal).ToList();
        var suggested = ranked.Where(c => c.Score.Weight >= options.SuggestThreshold).ToList();
        if (suggested.Count == 0) return new(entry, ranked, EntryStatus.Unmatched, null);
        var best = suggested[0];
        var runnerUp = ranked.Count > 1 ? ranked[1].Score.Weight : double.NegativeInfinity;
        return best.Score.Weight >= options.AcceptThreshold && best.Score.Weight - runnerUp >= options.AcceptMargin
            ? new(entry, ranked, EntryStatus.Linked, best.CaseKey)
            : new(entry, ranked, EntryStatus.Suggested, null);
    }

    /// <summary>The candidates a reviewer is shown: those at or above the suggestion threshold.</summary>
    public IEnumerable<ScoredCandidate> Suggestions(LinkageOptions options) => Candidates.Where(c => c.Score.Weight >= options.SuggestThreshold);
}

/// <summary>One run of the matcher: the model used (estimated or configured) and every entry's linkage.</summary>
public sealed record LinkageRun(EmFit? Fit, FellegiSunterModel Model, IReadOnlyList<EntryLinkage> Entries);

/// <summary>
/// The whole path in memory: profile the cases, block (<see cref="TrigramBlocker"/>), compare every candidate pair,
/// estimate m and u by EM over those pairs unless configured, score, decide. Phase 2 runs the same steps with
/// candidates from SQL: <see cref="CaseProfile.From"/>, <see cref="PairComparer.Compare"/>,
/// <see cref="ExpectationMaximisation.Fit"/>, <see cref="FellegiSunterModel.Score"/>, <see cref="EntryLinkage.Decide"/>.
/// </summary>
public static class Linker
{
    public static LinkageRun Run(IReadOnlyList<ListEntry> entries, IReadOnlyList<CandidateCase> cases, LinkageOptions options)
    {
        var blocker = new TrigramBlocker([.. cases.Select(CaseProfile.From)]);
        var comparer = new PairComparer(options);
        var compared = entries.Select(entry =>
        {
            var profile = EntryProfile.From(entry);
            return (Entry: entry, Pairs: blocker.Candidates(profile).Select(c => (c.Case.Key, Vector: comparer.Compare(profile, c))).ToList());
        }).ToList();

        var configured = FellegiSunterModel.Configured(options);
        var fit = configured is null ? ExpectationMaximisation.Fit(compared.SelectMany(e => e.Pairs.Select(p => p.Vector)), options) : null;
        var model = configured ?? fit!.Model;
        var linkages = compared
            .Select(e => EntryLinkage.Decide(e.Entry, e.Pairs.Select(p => new ScoredCandidate(p.Key, p.Vector, model.Score(p.Vector))), options))
            .ToList();
        return new LinkageRun(fit, model, linkages);
    }
}
