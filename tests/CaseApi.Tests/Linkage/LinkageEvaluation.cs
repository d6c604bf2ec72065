using CaseApi.Linkage;
using CaseApi.Tests.Linkage.Corpus;

namespace CaseApi.Tests.Linkage;

/// <summary>
/// The matcher run over a corpus and scored against its truth. Precision counts the links made without review (an
/// entry's best candidate at or above the acceptance threshold and far enough ahead); recall counts the true links
/// whose case is among the entry's suggestions (at or above the suggestion threshold), whether linked or not.
/// </summary>
public sealed record LinkageEvaluation(
    int Entries, int TrueLinks, int Linked, int CorrectlyLinked, int Suggested, int WronglyLinkedUnmatched, double MeanSuggestions)
{
    public double Precision => Linked == 0 ? 1 : (double)CorrectlyLinked / Linked;

    public double Recall => TrueLinks == 0 ? 1 : (double)Suggested / TrueLinks;

    /// <summary>The share of true links made without review.</summary>
    public double Automation => TrueLinks == 0 ? 0 : (double)CorrectlyLinked / TrueLinks;

    public override string ToString() =>
        FormattableString.Invariant(
            $"{Entries} entries, {TrueLinks} true links; linked without review {Linked}, precision {Precision:P2} ({CorrectlyLinked}/{Linked}); ") +
        FormattableString.Invariant(
            $"true links suggested {Recall:P2} ({Suggested}/{TrueLinks}); automation {Automation:P1}; {MeanSuggestions:F2} suggestions per entry");

    /// <summary>Every list of the corpus linked in one run, as phase 2 would link them one upload at a time with one model.</summary>
    public static IReadOnlyList<(string List, EntryLinkage Linkage)> Run(LinkageCorpus corpus, LinkageOptions options)
    {
        var entries = corpus.Lists.SelectMany(l => l.Value.Select(e => (l.Key, e))).ToList();
        var run = Linker.Run([.. entries.Select(e => e.e)], corpus.Cases, options);
        return [.. entries.Select((e, i) => (e.Key, run.Entries[i]))];
    }

    public static LinkageEvaluation Score(LinkageCorpus corpus, IReadOnlyList<(string List, EntryLinkage Linkage)> run, LinkageOptions options)
    {
        int trueLinks = 0, linked = 0, correct = 0, suggested = 0, wronglyLinked = 0;
        var suggestions = 0;
        foreach (var (list, linkage) in run)
        {
            var truth = corpus.Truth[(list, linkage.Entry.Reference)];
            var shown = EntryLinkage.Decide(linkage.Entry, linkage.Candidates, options);
            suggestions += shown.Suggestions(options).Count();
            if (truth is not null)
            {
                trueLinks++;
                if (shown.Suggestions(options).Any(c => c.CaseKey == truth)) suggested++;
            }
            if (shown.Status == EntryStatus.Linked)
            {
                linked++;
                if (shown.LinkedCaseKey == truth) correct++;
                else if (truth is null) wronglyLinked++;
            }
        }
        return new LinkageEvaluation(run.Count, trueLinks, linked, correct, suggested, wronglyLinked, (double)suggestions / run.Count);
    }

    /// <summary>
    /// Thresholds tuned on a corpus, on a grid of half bits: the highest suggestion threshold that still suggests at
    /// least <paramref name="recall"/> of the true links, then the lowest acceptance threshold, not below it, whose
    /// links are at least <paramref name="precision"/> precise.
    /// </summary>
    public static (double Accept, double Suggest) Tune(
        LinkageCorpus corpus, IReadOnlyList<(string List, EntryLinkage Linkage)> run, LinkageOptions options, double precision, double recall)
    {
        var grid = Enumerable.Range(-80, 161).Select(i => i / 2.0).ToList();
        var suggest = grid.Last(t => Score(corpus, run, With(options, double.PositiveInfinity, t)).Recall >= recall);
        var accept = grid.First(t => t >= suggest && Score(corpus, run, With(options, t, suggest)).Precision >= precision);
        return (accept, suggest);
    }

    public static LinkageOptions With(LinkageOptions options, double accept, double suggest) => new()
    {
        FuzzyNameThreshold = options.FuzzyNameThreshold, TitleHigh = options.TitleHigh, TitleSome = options.TitleSome,
        AcceptThreshold = accept, SuggestThreshold = suggest, AcceptMargin = options.AcceptMargin, MaxIterations = options.MaxIterations,
        Tolerance = options.Tolerance, PseudoCount = options.PseudoCount, Probabilities = options.Probabilities,
    };
}
