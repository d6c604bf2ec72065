using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Statistics.Coverage;

/// <summary>The query of GET /stats/coverage.</summary>
/// <param name="Lists">The source lists, two to five, comma-separated or repeated; the digits of every capture pattern follow this order.</param>
/// <param name="Windows">
/// How the lists' coverage periods are handled: <c>common</c> (default) keeps only cases dated within the years every
/// named list covers; <c>stratified</c> splits the years into periods covered by the same lists, estimates each period
/// from the lists that cover it and adds the periods up.
/// </param>
/// <param name="Stratify">
/// Estimate each value of one single-valued field apart and add the answers up: <c>sponsorType</c> (cases without a
/// sponsor type count as <c>unknown</c>), <c>collectorType</c> or <c>decade</c> (of <c>dateField</c>). Strata in which
/// catchability is more nearly equal give a truer total when some cases are far easier to find than others. Not with
/// <c>windows=stratified</c>.
/// </param>
public sealed record CoverageQuery(
    [FromQuery(Name = "lists")] string[]? Lists,
    [FromQuery(Name = "windows")] string? Windows = null,
    [FromQuery(Name = "stratify")] string? Stratify = null)
{
    public const string Common = "common";
    public const string Stratified = "stratified";

    /// <summary>The fields <c>stratify</c> accepts: single-valued, so each case is in one stratum (sectors, a list, would count it twice).</summary>
    public static IReadOnlyList<string> StratifyFields { get; } = ["sponsorType", "collectorType", "decade"];

    /// <summary>The list codes in the order given; the digits of every capture pattern follow this order.</summary>
    public IReadOnlyList<string> Codes =>
        [.. (Lists ?? []).SelectMany(l => l.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    public bool IsStratified => Windows == Stratified;
}

/// <summary>
/// How many cases the named lists found, how many they are estimated to have missed, and how far that answer depends on
/// the model chosen. Read <c>interpretation</c> first, then <c>headline</c>, then <c>sensitivity</c>.
/// </summary>
/// <param name="Lists">The lists, in the order of the pattern digits.</param>
/// <param name="Population">Which cases the estimate is about: the filters, and the years the lists' coverage periods allow.</param>
/// <param name="Observed">Cases on at least one of the lists, within the population.</param>
/// <param name="Histories">Cases per capture pattern ("101": on the first and third list only).</param>
/// <param name="Evidence">
/// How many of the population's memberships in the named lists carry the list's own reference, and how they were matched.
/// </param>
/// <param name="Headline">
/// The estimate to quote, with an interval that allows for the choice of model; null when no model can be fitted (see notes).
/// </param>
/// <param name="ObservedShare">Observed ÷ headline estimate, with its 95 % interval (observed ÷ upper … observed ÷ lower).</param>
/// <param name="Interpretation">The answer in one plain sentence, including what population it is about.</param>
/// <param name="Models">Every model fitted, with its fit statistics and flags; models that cannot be fitted are listed with the reason.</param>
/// <param name="Sensitivity">How much the answer moves across models: the span of their estimates and of their intervals.</param>
/// <param name="Strata">
/// With <c>windows=stratified</c>, the analysis of each period; with <c>stratify</c>, the analysis of each value of that
/// field; otherwise null.
/// </param>
/// <param name="Notes">What the data cannot tell, and other cautions, in plain words.</param>
/// <param name="Assumptions">The assumptions every estimate here rests on.</param>
/// <param name="Linkage">How the named lists' uploaded entries were matched to cases, and how far matching errors could move the estimate.</param>
/// <param name="WithoutWindows">
/// When cases on the lists have no date in the chosen field (so the windows leave them out): the estimate over the filtered cases
/// with no coverage windows applied, undated cases included, beside the windowed one.
/// </param>
public sealed record CoverageResponse(
    IReadOnlyList<string> Lists,
    CoveragePopulation Population,
    long Observed,
    IReadOnlyDictionary<string, long> Histories,
    MatchingEvidence Evidence,
    CoverageHeadline? Headline,
    ObservedShare? ObservedShare,
    string Interpretation,
    IReadOnlyList<CoverageModelFit> Models,
    CoverageSensitivity? Sensitivity,
    IReadOnlyList<CoverageStratum>? Strata,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Assumptions,
    CoverageLinkage? Linkage = null,
    CoverageAlternative? WithoutWindows = null)
{
    /// <summary>The one place a coverage answer is put together: the counted histories, the population, and the analysis.</summary>
    internal static CoverageResponse From(
        CaptureHistories all, CoveragePopulation population, MatchingEvidence evidence, CoverageAnalysis analysis,
        IReadOnlyList<CoverageStratum>? strata = null) =>
        new(all.Lists, population, all.Observed, all.ByPattern(), evidence, analysis.Headline, analysis.ObservedShare, analysis.Interpretation,
            analysis.Models, analysis.Sensitivity, strata, analysis.Notes, CoverageAnalysis.Assumptions);
}

/// <summary>
/// How well the memberships behind the estimate are documented. The estimate rests on matching each list's entries to
/// cases: a false match adds an overlap that shrinks the unseen estimate, a missed match removes one and inflates it.
/// </summary>
/// <param name="Memberships">Memberships of the population's cases in the named lists (a case on two lists counts twice).</param>
/// <param name="WithReference">Of those, how many carry the list's own reference for the case (entry id or URL).</param>
/// <param name="Manual">Of those, how many a person matched.</param>
/// <param name="Rule">Of those, how many an automatic rule matched.</param>
/// <param name="ByList">The same counts for each named list, in the order of the pattern digits.</param>
public sealed record MatchingEvidence(long Memberships, long WithReference, long Manual, long Rule, IReadOnlyList<ListMatchingEvidence> ByList);

/// <summary>The memberships of one list and their evidence.</summary>
/// <param name="List">The source-list code.</param>
/// <param name="Memberships">The population's cases on this list.</param>
/// <param name="WithReference">Of those, how many carry this list's reference.</param>
/// <param name="Manual">Of those, how many a person matched.</param>
/// <param name="Rule">Of those, how many an automatic rule matched.</param>
public sealed record ListMatchingEvidence(string List, long Memberships, long WithReference, long Manual, long Rule);

/// <summary>The population the lists are compared on.</summary>
/// <param name="Windows"><c>common</c> or <c>stratified</c>, as requested.</param>
/// <param name="DateField">The case date placed against the lists' coverage periods (the filters' <c>dateField</c>).</param>
/// <param name="From">First year kept (inclusive); null when no bound applies.</param>
/// <param name="To">Last year kept (inclusive); null when no bound applies.</param>
/// <param name="Description">The population in words.</param>
/// <param name="Cases">The cases in scope that are on at least one named list: the same number as <c>observed</c>.</param>
/// <param name="Excluded">The cases on the named lists that the answer leaves out, and why.</param>
/// <param name="OutsideWindow">
/// For each named list with a coverage period: its cases (among those the filters select) dated outside that period, which the
/// list's own window says it should not hold. More than none deserves a look: a wrong date, a wrong link, or a wrong window.
/// </param>
public sealed record CoveragePopulation(
    string Windows, string DateField, int? From, int? To, string Description, long? Cases = null, CoverageExclusions? Excluded = null,
    IReadOnlyList<ListOutsideWindow>? OutsideWindow = null);

/// <summary>The cases on at least one named list that the answer leaves out, each counted once, under the first reason that applies.</summary>
/// <param name="FilteredOut">Not selected by the filters (other than their years).</param>
/// <param name="Undated">Selected, but without a date in the chosen field, so no window can place them.</param>
/// <param name="OutsideWindows">Selected and dated, but outside the years the answer covers.</param>
public sealed record CoverageExclusions(long FilteredOut, long Undated, long OutsideWindows);

/// <summary>A list's cases dated outside its own coverage period.</summary>
public sealed record ListOutsideWindow(string List, int? From, int? To, long Cases);

/// <summary>Another population's answer, shown beside the main one.</summary>
/// <param name="Observed">Cases on at least one named list in that population.</param>
/// <param name="Headline">Its headline (null when it cannot be estimated).</param>
/// <param name="Description">The population in words.</param>
public sealed record CoverageAlternative(long Observed, CoverageHeadline? Headline, string Description);

/// <summary>How the named lists' uploaded entries stand, and the estimate's sensitivity to matching errors.</summary>
/// <param name="ByList">For each named list, its uploaded entries by status (all entries, whatever their case's date).</param>
/// <param name="Sensitivity">The estimate with the k weakest accepted links undone, and with the k strongest rejected candidates accepted.</param>
public sealed record CoverageLinkage(IReadOnlyList<ListLinkageStatus> ByList, LinkageSensitivity? Sensitivity);

/// <summary>One list's entries: linked (accepted), suggested but not reviewed, rejected, unmatched.</summary>
public sealed record ListLinkageStatus(string List, int Entries, int Linked, int SuggestedUnreviewed, int Rejected, int Unmatched);

/// <summary>
/// How far matching errors could move the headline estimate: re-estimated with the <c>k</c> lowest-scoring accepted links taken
/// as wrong (their memberships removed), and with the <c>k</c> highest-scoring rejected candidates taken as right (memberships
/// added). Only links whose case is in the population count; the lower end is used for a lower-bound headline.
/// </summary>
/// <param name="K">How many links each scenario changes (fewer when fewer exist).</param>
/// <param name="Estimate">The headline estimate (its lower end when it is a lower bound).</param>
/// <param name="IfWeakestAcceptedWrong">The estimate with the k lowest-scoring accepted links undone; null when none or not estimable.</param>
/// <param name="WeakestAccepted">How many accepted links that scenario undid, and the highest score among them (bits).</param>
/// <param name="IfStrongestRejectedRight">
/// The estimate with the k highest-scoring rejected candidates accepted; null when none or not estimable.
/// </param>
/// <param name="StrongestRejected">How many rejected candidates that scenario accepted, and the lowest score among them (bits).</param>
public sealed record LinkageSensitivity(
    int K, double? Estimate, double? IfWeakestAcceptedWrong, ScenarioLinks WeakestAccepted, double? IfStrongestRejectedRight,
    ScenarioLinks StrongestRejected);

/// <summary>The links a sensitivity scenario changed: how many, and the score of the last one taken (bits).</summary>
public sealed record ScenarioLinks(int Links, double? Score);

/// <summary>
/// The answer to quote and how it was reached: an estimate with its 95 % interval, or, when the lists cannot bound the
/// number from above, a lower bound only (<c>estimate</c> null, <c>ci95</c> [low, null]).
/// </summary>
/// <param name="Method">
/// <c>smoothed-aic-weights</c> (an average of the log-linear models that can be checked, weighted by their AIC),
/// <c>latent-class</c> (a latent-class model that fits clearly better than the log-linear models), <c>lower-bound</c>
/// (catchability differs between cases and no model bounds the number from above), <c>chapman</c> (two lists: the only
/// estimate there is) or <c>strata-sum</c> (the strata's headlines added up).
/// </param>
/// <param name="Estimate">Estimated number of cases that could reach these lists, seen and unseen; null for a lower bound.</param>
/// <param name="StandardError">Standard error, including the uncertainty of the model choice where a choice was made; null for a lower bound.</param>
/// <param name="Ci95">95 % interval [low, high]; never below the observed count. High is null when the lists cannot bound it from above.</param>
/// <param name="Unseen">Estimate minus observed: the cases no list has found; null for a lower bound.</param>
/// <param name="Why">Why this method, in plain words, with the evidence (AIC differences) that chose it.</param>
public sealed record CoverageHeadline(
    string Method, double? Estimate, double? StandardError, IReadOnlyList<double?> Ci95, double? Unseen, string Why)
{
    /// <summary>Whether the answer is a lower bound only: the lists do not bound the number from above.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLowerBound => Ci95[1] is null;

    public double Low => Ci95[0]!.Value;
}

/// <summary>The share of the cases that the lists hold.</summary>
/// <param name="Estimate">Observed ÷ estimate; null when the headline is a lower bound.</param>
/// <param name="Ci95">[observed ÷ upper bound, observed ÷ lower bound]; the first null when the headline has no upper bound.</param>
/// <param name="Caveat">
/// Present when the share should not be quoted alone: the headline is a lower bound, or the models that fit disagree
/// widely (see <c>sensitivity.supportedEnvelope</c>).
/// </param>
public sealed record ObservedShare(double? Estimate, IReadOnlyList<double?> Ci95, string? Caveat);

/// <summary>
/// One model of the capture histories. Estimate, interval and fit statistics are null when the model cannot be fitted or
/// its estimate is not identifiable; <c>flags</c> then says why.
/// </summary>
/// <param name="Model">
/// Its name: <c>M0</c>, <c>Mt</c>, <c>Mt + a:b + …</c>, <c>Mh Chao (LB)</c>, <c>Mth Darroch</c>, … (Rcapture's names), or
/// <c>Latent classes (2)</c>, <c>Latent classes (3)</c>.
/// </param>
/// <param name="Family">
/// <c>log-linear</c> (list effects and dependences between lists), <c>heterogeneity</c> (catchability that differs
/// between cases, as a term in the number of lists a case is on), <c>latent-class</c> (cases fall into unobserved classes,
/// each with its own catch probability on each list) or <c>closed-form</c>.
/// </param>
/// <param name="Interactions">The pairs of lists allowed to depend on each other (a:b).</param>
/// <param name="Parameters">Number of parameters estimated.</param>
/// <param name="Estimate">Estimated population size: observed plus the predicted unseen cell.</param>
/// <param name="StandardError">Its standard error (delta method).</param>
/// <param name="Ci95">Profile-likelihood 95 % interval (Cormack 1992); the high end null when the data bound it from below only.</param>
/// <param name="Deviance">Deviance against the saturated model of the observed cells.</param>
/// <param name="Df">Residual degrees of freedom: observed cells minus parameters.</param>
/// <param name="PValue">Goodness of fit: P(χ²(df) ≥ deviance); null when df is 0. Small values mean the model does not fit.</param>
/// <param name="Aic">Akaike's information criterion (lower is better).</param>
/// <param name="Bic">Schwarz's Bayesian information criterion, with the observed count as sample size (lower is better).</param>
/// <param name="Weight">Its smoothed AIC weight in the headline; 0 when it does not take part.</param>
/// <param name="Flags">Reasons to distrust or leave out this model.</param>
public sealed record CoverageModelFit(
    string Model,
    string Family,
    IReadOnlyList<string> Interactions,
    int Parameters,
    double? Estimate,
    double? StandardError,
    IReadOnlyList<double?>? Ci95,
    double? Deviance,
    int? Df,
    double? PValue,
    double? Aic,
    double? Bic,
    double Weight,
    IReadOnlyList<ModelFlag> Flags);

/// <summary>A caution about one model.</summary>
/// <param name="Code">
/// <c>zero-df</c>, <c>asymptotic-bias</c>, <c>sparse-cells</c>, <c>poor-fit</c>, <c>not-converged</c>, <c>boundary</c>,
/// <c>not-identifiable</c> or <c>unbounded-interval</c>.
/// </param>
/// <param name="Reason">What it means, in words.</param>
public sealed record ModelFlag(string Code, string Reason);

/// <summary>How much the answer depends on the model.</summary>
/// <param name="Models">How many models have an estimate.</param>
/// <param name="EstimateRange">[smallest, largest] model estimate.</param>
/// <param name="Envelope">[lowest interval end, highest interval end] over those models; high null when some interval is unbounded.</param>
/// <param name="SupportedEnvelope">
/// The same over the models the data support: nonzero df, a fit test passed (p ≥ 0.05) and AIC within 10 of the best
/// such model (Burnham &amp; Anderson 2002: beyond 10 a model has essentially no support). When its ends differ by more
/// than a factor of 1.5 the interpretation starts with it. Null when no model passes.
/// </param>
/// <param name="LogLinearRange">[smallest, largest] estimate of the log-linear models that can be checked (nonzero df).</param>
/// <param name="HeterogeneityRange">[smallest, largest] estimate of the heterogeneity models; null with fewer than three lists.</param>
/// <param name="LatentClassRange">[smallest, largest] estimate of the latent-class models; null with fewer than four lists.</param>
public sealed record CoverageSensitivity(
    int Models,
    IReadOnlyList<double> EstimateRange,
    IReadOnlyList<double?> Envelope,
    IReadOnlyList<double?>? SupportedEnvelope,
    IReadOnlyList<double>? LogLinearRange,
    IReadOnlyList<double>? HeterogeneityRange,
    IReadOnlyList<double>? LatentClassRange);

/// <summary>
/// One stratum: a period covered by the same lists (<c>windows=stratified</c>) or one value of the <c>stratify</c> field,
/// with its own analysis.
/// </summary>
/// <param name="Value">With <c>stratify</c>: the field's value (<c>unknown</c> when a case has none); null for a period.</param>
/// <param name="From">First year (null: open, or not a period).</param>
/// <param name="To">Last year (null: open, or not a period).</param>
/// <param name="Lists">The named lists whose coverage period includes these years.</param>
/// <param name="Observed">Cases of this stratum on at least one of those lists.</param>
/// <param name="Headline">This stratum's headline; null when it cannot be estimated (fewer than two lists, or no model fits).</param>
/// <param name="Notes">Why a stratum has no estimate, whether it is too sparse to trust, and its cautions.</param>
public sealed record CoverageStratum(
    string? Value, int? From, int? To, IReadOnlyList<string> Lists, long Observed, CoverageHeadline? Headline, IReadOnlyList<string> Notes);

/// <summary>A row of the capture-history query: the cases with one capture pattern (a bit per list).</summary>
public sealed record PatternCount(int Mask, long Count);

/// <summary>A row of the stratified capture-history query: the cases of one stratum with one capture pattern.</summary>
public sealed record StratumPatternCount(string Stratum, int Mask, long Count);
