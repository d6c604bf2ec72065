using CaseApi.Linkage;
using CaseApi.Tests.Linkage.Corpus;

namespace CaseApi.Tests.Linkage;

/// <summary>
/// The issue's bar on the committed corpus: thresholds tuned on seed A, measured on seed B; links made without review
/// at least 98 % precise, at least 95 % of the true links suggested.
/// </summary>
public sealed class LinkageEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        var options = new LinkageOptions();
        foreach (var seed in new[] { LinkageCorpus.TuningSeed, LinkageCorpus.MeasurementSeed })
        {
            var corpus = LinkageCorpus.Load(seed);
            var run = LinkageEvaluation.Run(corpus, options);
            var model = Linker.Run([.. corpus.Lists.SelectMany(l => l.Value)], corpus.Cases, options);
            output.WriteLine($"seed {seed}: EM {model.Fit!.Iterations} iterations, converged {model.Fit.Converged}, p = {model.Model.Proportion:F4}");
            foreach (var f in LinkageFeatures.All)
            {
                var levels = LinkageFeatures.Levels(f);
                output.WriteLine($"  {f.Code()}: " + string.Join("; ", levels.Select((l, i) =>
                    $"{l} m={model.Model.M[(int)f][i]:F4} u={model.Model.U[(int)f][i]:F4} w={model.Model.Weight(f, i):F2}")));
            }
            output.WriteLine($"  default: {LinkageEvaluation.Score(corpus, run, options)}");
            var bySlug = corpus.Cases.ToDictionary(c => c.Key);
            foreach (var (list, linkage) in run)
            {
                var truth = corpus.Truth[(list, linkage.Entry.Reference)];
                if (truth is null || linkage.Suggestions(options).Any(c => c.CaseKey == truth)) continue;
                var c = bySlug[truth];
                var scored = linkage.Candidates.FirstOrDefault(x => x.CaseKey == truth);
                output.WriteLine($"  MISS {list} {linkage.Entry.Names} | {linkage.Entry.Date} | {linkage.Entry.Places} -> {string.Join("; ", c.Defendants)} | {c.ChargedOn} {c.ResolvedOn} {c.ActivityStart}-{c.ActivityEnd} | {string.Join(",", c.UsStates)} {c.Venue} :: {(scored is null ? "not blocked" : scored.Comparison + " w=" + scored.Score.Weight.ToString("F1"))}");
            }
            var tuned = LinkageEvaluation.Tune(corpus, run, options, 0.995, 0.98);
            output.WriteLine($"  tuned accept {tuned.Accept}, suggest {tuned.Suggest}: {LinkageEvaluation.Score(corpus, run, LinkageEvaluation.With(options, tuned.Accept, tuned.Suggest))}");
        }
    }
}
