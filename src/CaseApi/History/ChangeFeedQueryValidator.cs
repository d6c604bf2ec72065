using CaseApi.Infrastructure.Paging;
using FluentValidation;

namespace CaseApi.History;

public sealed class ChangeFeedQueryValidator : AbstractValidator<ChangeFeedQuery>
{
    public ChangeFeedQueryValidator()
    {
        RuleFor(q => q.After).PageCursorOf<ChangeFeedQuery, ChangePosition>();
        RuleFor(q => q.Limit).PageLimit();
    }
}
