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
        RuleFor(q => q.Cursor).Must(c => c is null || AuditLog.TryParseCursor(c, out _))
            .WithMessage("'cursor' is not a cursor this API returned; use nextCursor from the previous page.");
        RuleFor(q => q.Limit).InclusiveBetween(1, 1000);
        RuleFor(q => q.Count).Must(c => c is "exact" or "none").WithMessage("'count' must be exact or none.");
    }
}
