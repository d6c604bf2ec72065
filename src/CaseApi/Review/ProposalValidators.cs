using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using FluentValidation;

namespace CaseApi.Review;

public sealed class ProposalListQueryValidator : AbstractValidator<ProposalListQuery>
{
    public ProposalListQueryValidator()
    {
        RuleFor(q => q.Status).OneOf(ProposalStatuses.All);
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Cursor).PageCursorOf<ProposalListQuery, ProposalCursor>();
    }
}

public sealed class RejectProposalRequestValidator : AbstractValidator<RejectProposalRequest>
{
    public RejectProposalRequestValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(ReviewLimits.Reason);
}
