using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Statistics.Coverage;

/// <summary>The query of GET /stats/coverage: <c>lists=a,b[,c…]</c> (comma-separated or repeated).</summary>
public sealed record CoverageQuery([FromQuery(Name = "lists")] string[]? Lists)
{
    /// <summary>The list codes in the order given; the digits of every capture pattern follow this order.</summary>
    public IReadOnlyList<string> Codes =>
        [.. (Lists ?? []).SelectMany(l => l.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}

/// <summary>How many cases the named lists found, and how many each method estimates exist.</summary>
public sealed record CoverageResponse(
    IReadOnlyList<string> Lists,
    long Observed,
    IReadOnlyDictionary<string, long> Histories,
    IReadOnlyList<CoverageEstimate> Estimates,
    IReadOnlyDictionary<string, double?> Coverage,
    IReadOnlyList<string> Assumptions);

/// <summary>
/// One method's estimate of the population size. <c>Estimate</c> is null when the method is undefined for the data
/// (<c>Notes</c> says why); <c>Ci95</c> is [low, high], high null when the data bound it from below only;
/// <c>Coverage</c> is observed ÷ estimate.
/// </summary>
public sealed record CoverageEstimate(
    string Method,
    double? Estimate,
    double? StandardError,
    IReadOnlyList<double?>? Ci95,
    double? Coverage,
    IReadOnlyList<string> Notes,
    string? Model = null,
    IReadOnlyList<LogLinearModelFit>? Models = null);

/// <summary>One log-linear model compared by AIC (interactions written <c>a:b</c>, as in R's formulas): null estimate and AIC when it cannot be fitted to these data.</summary>
public sealed record LogLinearModelFit(string Model, IReadOnlyList<string> Interactions, int Parameters, double? Estimate, double? Aic);

/// <summary>A row of the capture-history query: the cases with one capture pattern (a bit per list).</summary>
public sealed record PatternCount(int Mask, long Count);
