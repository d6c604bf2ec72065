using CaseApi.Cases;
using CaseApi.Entities;
using FluentValidation;

namespace CaseApi.Statistics;

public sealed class EntityStatisticsQueryValidator : AbstractValidator<EntityStatisticsQuery>
{
    public EntityStatisticsQueryValidator()
    {
        RuleFor(q => q.Role).Must(r => CaseFilter.Values(r).All(EntityCodes.Roles.Contains))
            .WithMessage($"A role is one of {string.Join(", ", EntityCodes.Roles)}.");
        RuleFor(q => q.Kind).Must(k => CaseFilter.Values(k).All(EntityCodes.Kinds.Contains))
            .WithMessage($"A kind is one of {string.Join(", ", EntityCodes.Kinds)}.");
        RuleFor(q => q.MinCases).InclusiveBetween(1, 1_000_000);
        RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
        RuleFor(q => q.GroupBy).Must(g => g is null or EntityStatistics.BySponsorType)
            .WithMessage($"Statistics by entity group by {EntityStatistics.BySponsorType} only (or nothing).");
    }
}
