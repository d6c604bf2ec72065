using CaseApi.Infrastructure.Paging;
using FluentValidation;

namespace CaseApi.Audit;

public sealed class AuditQueryValidator : AbstractValidator<AuditQuery>
{
    public const int MaxFilterLength = 200;

    public AuditQueryValidator()
    {
        RuleFor(q => q.EntityType).MaximumLength(MaxFilterLength);
        RuleFor(q => q.EntityId).MaximumLength(MaxFilterLength);
        RuleFor(q => q.Actor).MaximumLength(MaxFilterLength);
        RuleFor(q => q.Action).MaximumLength(MaxFilterLength);
        RuleFor(q => q.To).Must((q, to) => q.From is null || to is null || to >= q.From).WithMessage("'to' must not be before 'from'.");
        RuleFor(q => q.Cursor).PageCursorOf<AuditQuery, AuditPosition>();
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Count).CountMode();
    }
}
