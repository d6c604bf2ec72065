using CaseApi.Store;
using CaseApi.Infrastructure.Paging;
using FluentValidation;

namespace CaseApi.Releases;

public sealed class CreateReleaseRequestValidator : AbstractValidator<CreateReleaseRequest>
{
    public const int MaxDescription = 2000;

    public CreateReleaseRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(name => name is null || ReadPoints.IsReleaseName(name))
            .WithMessage("A release name is lowercase letters and digits, words joined by '-' or '.' (2026-study, v1.2), at most 100 characters.");
        RuleFor(r => r.Description).NotEmpty().MaximumLength(MaxDescription);
        RuleFor(r => r.Position).GreaterThanOrEqualTo(0);
    }
}

public sealed class ReleaseListQueryValidator : AbstractValidator<ReleaseListQuery>
{
    public ReleaseListQueryValidator()
    {
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Cursor).PageCursorOf<ReleaseListQuery, ReleaseCursor>();
    }
}
