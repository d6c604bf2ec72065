using System.ComponentModel;
using CaseApi.Cases;
using CaseApi.Infrastructure.Validation;
using FluentValidation;

namespace CaseApi.Statistics;

/// <summary>The grouping of GET /stats/cases; the filters are <see cref="CaseFilter"/>.</summary>
/// <param name="GroupBy">
/// One to three dimensions, comma-separated or repeated: year, sector, sponsor, sponsorType, collectorType, activityType, tradecraft,
/// outcome, state, policy, aligned, list.
/// </param>
/// <param name="Sort">-count (default), count, or a grouped dimension, '-' in front for descending.</param>
/// <param name="Limit">Top-N: at most this many rows (after sort).</param>
/// <param name="MinCount">Only groups with at least this many cases.</param>
/// <param name="Metrics">Comma-separated: sentenceMonths.avg, sentenceMonths.median, lossUsd.sum.</param>
/// <param name="Fill">
/// zero: with year among groupBy, a row with count 0 for every year from 'from' to 'to' (else the data's first and last year) that
/// has no cases; with more dimensions, every year for every combination of the other dimensions' values that occurs.
/// </param>
/// <param name="Format">
/// json (default) or csv: one header row, then one line a row, labels included. Any letter case. Without it, Accept chooses
/// (application/json or text/csv; none, or */*, is JSON; any other is 406).
/// </param>
public sealed record StatisticsQuery(
    string[]? GroupBy, string? Sort, int? Limit, int? MinCount, string[]? Metrics, string? Fill = null,
    [property: DefaultValue("json")] string? Format = null)
{
    public const int MaxLimit = 100_000;

    public IReadOnlyList<string> Dimensions => CaseFilter.Values(GroupBy);

    public IReadOnlyList<string> MetricNames => CaseFilter.Values(Metrics);

    public bool FillZero => Fill == "zero";

    /// <summary>What the statistics offer to content negotiation, the default first.</summary>
    public static IReadOnlyList<(string Format, string MediaType)> Offers { get; } = [("json", "application/json"), ("csv", "text/csv")];
}

public sealed class StatisticsQueryValidator : AbstractValidator<StatisticsQuery>
{
    private const string GroupByHint = "Group by one to three dimensions, e.g. groupBy=sector or groupBy=year,sector,sponsorType.";
    private const string SortHint =
        "'{PropertyValue}' is not a sort of this query; use count, -count or one of the grouped dimensions (with '-' for descending).";

    public StatisticsQueryValidator()
    {
        // NotEmpty first: it is what tells the contract that groupBy is required.
        RuleFor(q => q.GroupBy).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage(GroupByHint)
            .Custom((_, context) =>
            {
                var dimensions = context.InstanceToValidate.Dimensions;
                if (dimensions.Count is < 1 or > StatisticsDimension.MaxDimensions) context.AddFailure(GroupByHint);
            });
        RuleFor(q => q.GroupBy).EachOneOf("StatisticsDimension", StatisticsDimension.All.Keys, CaseFilter.Values,
            unknown => $"'{unknown}' is not a dimension; use {string.Join(", ", StatisticsDimension.All.Keys)}.");
        RuleFor(q => q.Sort).Cascade(CascadeMode.Stop)
            .OneOf(ClosedValues.Sorts(["count", .. StatisticsDimension.All.Keys]))
            .WithMessage(SortHint)
            .Must((q, sort) => sort is null || sort.TrimStart('-') is var key && (key == "count" || q.Dimensions.Contains(key)))
            .WithMessage(SortHint);
        RuleFor(q => q.Limit).InclusiveBetween(1, StatisticsQuery.MaxLimit);
        RuleFor(q => q.MinCount).InclusiveBetween(1, int.MaxValue);
        RuleFor(q => q.Metrics).EachOneOf("StatisticsMetric", StatisticsDimension.Metrics.Keys, CaseFilter.Values,
            unknown => $"'{unknown}' is not a metric; use {string.Join(", ", StatisticsDimension.Metrics.Keys)}.");
        RuleFor(q => q.Fill).Cascade(CascadeMode.Stop)
            .OneOf(["zero"]).WithMessage("'{PropertyValue}' is not a fill; use fill=zero.")
            .Must((q, f) => f is null || q.Dimensions.Contains("year")).WithMessage("fill=zero fills years: add year to groupBy.")
            // minCount drops groups that zero-filling would add back; the two ask for opposite things.
            .Must((q, f) => f is null || q.MinCount is null or 1).WithMessage("fill=zero adds empty groups that minCount removes; use one of them.");
        RuleFor(q => q.Format)
            .OneOf(["json", "csv"], StringComparer.OrdinalIgnoreCase)
            .WithMessage("'{PropertyValue}' is not a statistics format; use json or csv.");
    }
}
