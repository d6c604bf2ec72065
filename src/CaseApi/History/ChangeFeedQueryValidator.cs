using CaseApi.Infrastructure.Paging;
using CaseApi.Store;
using FluentValidation;

namespace CaseApi.History;

public sealed class ChangeFeedQueryValidator : AbstractValidator<ChangeFeedQuery>
{
    public ChangeFeedQueryValidator()
    {
        RuleFor(q => q.After).Must(after => ChangeFeed.TryReadAfter(after, out _))
            .WithMessage("'after' is neither a nextCursor of the feed nor a feed position (the Feed-Position header of a list or export).");
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.EntityType)
            .Must(types => ChangeFeed.EntitiesOf(types) is { Count: > 0 } named && named.All(HistoryRegistry.FeedEntities.Contains))
            .When(q => q.EntityType is not null)
            .WithMessage($"'entityType' names entities of the feed, comma-separated: {string.Join(", ", HistoryRegistry.FeedEntities)}.");
        RuleFor(q => q.Wait).InclusiveBetween(0, ChangeFeed.MaxWaitSeconds);
    }
}
