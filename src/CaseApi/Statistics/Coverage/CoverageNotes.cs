using System.Globalization;

namespace CaseApi.Statistics.Coverage;

/// <summary>
/// The words of the coverage answer: the sentence to quote, the caveat on the observed share and the notes, each
/// following the data (the AIC differences, the fit tests, how far the models that fit disagree) rather than a fixed text.
/// </summary>
public static class CoverageNotes
{
    /// <summary>
    /// When the supported models' intervals together span more than this factor (or have no upper end), the models
    /// disagree: the interpretation starts with that span and the observed share carries a caveat.
    /// </summary>
    public const double DisagreementRatio = 1.5;

    /// <summary>More than this share of the average's weight on models that fail their fit test earns a warning.</summary>
    public const double PoorFitWeight = 0.5;

    private const string Catchable = "espionage that was never detected cannot appear on any list, so this is the share of the catchable " +
        "population (cases reaching the public record), not of all espionage.";

    public static IReadOnlyList<string> For(
        CaptureHistories h, IReadOnlyList<CoverageModelFit> weighted, CoverageHeadline? averaged, HeterogeneityEvidence? evidence)
    {
        List<string> notes = [];
        if (averaged is null)
        {
            notes.Add(h.ListCount == 2
                ? "No case is on both lists: two lists that do not overlap say nothing about the cases both missed."
                : "No log-linear model that can be checked against the data could be fitted: the lists overlap too little " +
                  "(a list, or every overlap, without cases). Name more lists or widen the filters.");
            return notes;
        }
        if (h.ListCount == 2)
        {
            notes.Add("With two lists nothing can be checked: the estimate assumes the lists are independent and every case equally catchable.");
        }

        var rejected = weighted.Where(f => f.Weight > 0 && f.Flags.Any(flag => flag.Code == "poor-fit")).Sum(f => f.Weight);
        if (rejected > PoorFitWeight)
        {
            notes.Add(Invariant($"{rejected:P0} of the log-linear average's weight sits on models that fail their fit test (p < 0.05): ") +
                "the average is of models the data reject, so read the headline as the best of a poor set" +
                (evidence is { Model.PValue: >= 0.05 } e ? Invariant($"; {e.Model.Model} fits (p = {e.Model.PValue:0.###}).") : "."));
        }
        if (evidence is { Fires: true } fired)
        {
            notes.Add(Invariant($"Catchability differs between cases: {fired.Model.Model} fits {fired.Gap:0.0} AIC points better than the ") +
                Invariant($"best log-linear model ({fired.BestLogLinear.Model}) and estimates {fired.Model.Estimate:N0} ") +
                Invariant($"(95 % interval {Range(fired.Model.Ci95!)}), against the log-linear average's {averaged.Estimate:N0}. ") +
                "The log-linear models assume every case equally easy to find and so fall short; " +
                (fired.Model.Family == LatentClass.Family && fired.Model.Ci95![1] is not null
                    ? "the headline is the latent-class model's answer."
                    : "no model bounds the number from above in a way the data can check (Link 2003), so the headline is a lower bound."));
        }
        var zeroDf = weighted.Where(f => f.Df == 0 && f.Estimate is not null && f.Family != CaptureRecapture.ClosedForm).ToList();
        if (zeroDf.Count > 0)
        {
            notes.Add("Models with zero residual df (" + string.Join(", ", zeroDf.Select(f => f.Model)) +
                      ") fit any data and cannot be checked against the data: they are in the table, never in the headline.");
        }
        return notes;
    }

    /// <summary>Observed ÷ headline, the one place the share is computed; a ceiling only when the headline is a lower bound.</summary>
    public static ObservedShare? Share(long observed, CoverageHeadline? headline, CoverageSensitivity? sensitivity)
    {
        if (headline is null) return null;
        if (headline.IsLowerBound)
        {
            return new ObservedShare(null, [null, observed / headline.Low],
                Invariant($"A ceiling only: there are at least {headline.Low:N0} cases and the lists cannot bound the number from above, ") +
                "so their share could be much smaller.");
        }
        var caveat = Disagreement(sensitivity) is { } span
            ? $"The models the data support disagree (their intervals span {span}): this share holds only under the headline's models."
            : null;
        return new ObservedShare(observed / headline.Estimate!.Value, [observed / headline.Ci95[1]!.Value, observed / headline.Low], caveat);
    }

    /// <summary>The answer in sentences a policy reader can quote; the first gives the span of the models when they disagree.</summary>
    public static string Interpret(long observed, CoverageHeadline? headline, CoverageSensitivity? sensitivity, HeterogeneityEvidence? evidence)
    {
        var seen = observed.ToString("N0", CultureInfo.InvariantCulture);
        if (headline is null)
        {
            return $"The {seen} recorded cases cannot be compared with an estimated total: the lists do not overlap enough to estimate how " +
                   "many cases they all missed (see notes).";
        }

        var prefix = Disagreement(sensitivity) is { } span
            ? $"The models the data support disagree: together their intervals span {span} cases, so the lists hold " +
              Invariant($"{(sensitivity!.SupportedEnvelope![1] is { } high ? $"between {observed / high:P0} and " : "at most ")}") +
              Invariant($"{observed / sensitivity.SupportedEnvelope[0]!.Value:P0} of them. ")
            : "";
        if (headline.IsLowerBound)
        {
            return prefix + Invariant($"The {seen} recorded cases are at most {observed / headline.Low:P0} of the cases that could reach these ") +
                Invariant($"lists: there are at least {headline.Low:N0}, and the lists cannot bound the number from above") +
                (evidence is { Fires: true } e ? Invariant($", because some cases are far easier to find than others ({e.Model.Model} fits ") +
                    Invariant($"{e.Gap:0.0} AIC points better than the log-linear models, which assume equal catchability)") : "") + "; " + Catchable;
        }

        var main = Invariant($"The {seen} recorded cases are between {observed / headline.Ci95[1]!.Value:P0} and {observed / headline.Low:P0} ") +
            Invariant($"of an estimated {headline.Estimate:N0} cases (95 % interval {Range(headline.Ci95)}) that could reach these lists");
        var why = headline.Method switch
        {
            CoverageHeadlines.LatentClassMethod when evidence is not null =>
                Invariant($", by a latent-class model in which some cases are far easier to find than others ({evidence.Gap:0.0} AIC points ") +
                "better than the log-linear models)",
            CoverageHeadlines.SmoothedAicWeights when evidence is not null =>
                Invariant($", if cases are about equally catchable, as the overlaps suggest (the best model allowing otherwise, ") +
                Invariant($"{evidence.Model.Model}, fits {Math.Abs(evidence.Gap):0.0} AIC points ") +
                (evidence.Gap > 0 ? "better, not clearly), " : "worse), ") +
                "and the lists depend on each other no more than the models allow",
            CoverageHeadlines.Chapman => ", if the two lists are independent and cases equally catchable, which two lists cannot check",
            _ => ", if cases are about equally catchable and the lists depend on each other no more than the models allow",
        };
        return prefix + main + why + "; " + Catchable;
    }

    /// <summary>The supported models' span as words when it is wider than <see cref="DisagreementRatio"/>; null otherwise.</summary>
    private static string? Disagreement(CoverageSensitivity? sensitivity) =>
        sensitivity?.SupportedEnvelope is [{ } low, var high] && (high is null || high > DisagreementRatio * low) ? Range([low, high]) : null;

    private static string Range(IReadOnlyList<double?> interval) =>
        interval[1] is { } high ? Invariant($"{interval[0]:N0} to {high:N0}") : Invariant($"from {interval[0]:N0} with no upper end");

    public static string Period(int? from, int? to) => (from, to) switch
    {
        (null, null) => "all years",
        (null, { } t) => $"up to {t}",
        ({ } f, null) => $"from {f}",
        ({ } f, { } t) => f == t ? $"{f}" : $"{f}–{t}",
    };

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
