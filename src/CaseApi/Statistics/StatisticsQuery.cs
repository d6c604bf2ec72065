using CaseApi.Cases;
using FluentValidation;

namespace CaseApi.Statistics;

/// <summary>The grouping of GET /stats/cases; the filters are <see cref="CaseFilter"/>.</summary>
/// <param name="GroupBy">
/// One or two dimensions, comma-separated or repeated: year, sector, sponsor, sponsorType, collectorType, activityType, tradecraft,
/// outcome, state, policy, aligned, list.
/// </param>
/// <param name="Sort">-count (default), count, or a grouped dimension, '-' in front for descending.</param>
/// <param name="Limit">Top-N: at most this many rows (after sort).</param>
/// <param name="MinCount">Only groups with at least this many cases.</param>
/// <param name="Metrics">Comma-separated: sentenceMonths.avg, sentenceMonths.median, lossUsd.sum.</param>
public sealed record StatisticsQuery(string[]? GroupBy, string? Sort, int? Limit, int? MinCount, string[]? Metrics)
{
    public const int MaxLimit = 100_000;

    public IReadOnlyList<string> Dimensions => CaseFilter.Values(GroupBy);

    public IReadOnlyList<string> MetricNames => CaseFilter.Values(Metrics);
}

public sealed class StatisticsQueryValidator : AbstractValidator<StatisticsQuery>
{
    public StatisticsQueryValidator()
    {
        // NotEmpty first: it is what tells the contract that groupBy is required.
        RuleFor(q => q.GroupBy).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Group by one or two dimensions, e.g. groupBy=sector or groupBy=year,sector.")
            .Custom((_, context) =>
            {
                var dimensions = context.InstanceToValidate.Dimensions;
                if (dimensions.Count is < 1 or > 2) context.AddFailure("Group by one or two dimensions, e.g. groupBy=sector or groupBy=year,sector.");
                foreach (var unknown in dimensions.Where(d => !StatisticsDimension.All.ContainsKey(d)))
                {
                    context.AddFailure($"'{unknown}' is not a dimension; use {string.Join(", ", StatisticsDimension.All.Keys)}.");
                }
            });
        RuleFor(q => q.Sort).Must((q, sort) => sort is null || sort.TrimStart('-') is var key && (key == "count" || q.Dimensions.Contains(key)))
            .WithMessage(
                "'{PropertyValue}' is not a sort of this query; use count, -count or one of the grouped dimensions (with '-' for descending).");
        RuleFor(q => q.Limit).InclusiveBetween(1, StatisticsQuery.MaxLimit);
        RuleFor(q => q.MinCount).InclusiveBetween(1, int.MaxValue);
        RuleFor(q => q.Metrics).Custom((_, context) =>
        {
            foreach (var unknown in context.InstanceToValidate.MetricNames.Where(m => !StatisticsDimension.Metrics.ContainsKey(m)))
            {
                context.AddFailure($"'{unknown}' is not a metric; use {string.Join(", ", StatisticsDimension.Metrics.Keys)}.");
            }
        });
    }
}
