using FluentValidation;

namespace CaseApi.ReferenceData;

// The four reference-table bodies share their rules (name, description, no NUL), so their validators live together.
public sealed class SectorRequestValidator : AbstractValidator<SectorRequest>
{
    public SectorRequestValidator()
    {
        RuleFor(r => r.Name).ReferenceName(200);
        RuleFor(r => r.Description).ReferenceText(2000);
    }
}

public sealed class SponsorRequestValidator : AbstractValidator<SponsorRequest>
{
    public SponsorRequestValidator()
    {
        RuleFor(r => r.Name).ReferenceName(200);
        RuleFor(r => r.Description).ReferenceText(2000);
        RuleFor(r => r.Type).NotEmpty().Must(t => t is null || CodeLists.SponsorTypes.Contains(t))
            .WithMessage("'{PropertyValue}' is not a sponsor type; see GET /api/v1/code-lists.");
        RuleFor(r => r.Parent).Must(p => p is null || ReferenceValidation.IsCode(p)).WithMessage("'parent' must be a sponsor code.");
    }
}

public sealed class PolicyDocumentRequestValidator : AbstractValidator<PolicyDocumentRequest>
{
    public PolicyDocumentRequestValidator()
    {
        RuleFor(r => r.Name).ReferenceName(300);
        RuleFor(r => r.Description).ReferenceText(2000);
        RuleFor(r => r.Year).InclusiveBetween(1949, 2100);
        RuleFor(r => r.Sectors).NotNull().WithMessage("'sectors' is required (it may be empty).")
            .Must(s => s is null || s.Distinct().Count() == s.Count).WithMessage("Items must not repeat.");
        RuleForEach(r => r.Sectors).NotEmpty().Must(s => s is null || ReferenceValidation.IsCode(s)).WithMessage("'{PropertyValue}' is not a " +
            "sector code.");
    }
}

public sealed class SourceListRequestValidator : AbstractValidator<SourceListRequest>
{
    public SourceListRequestValidator()
    {
        RuleFor(r => r.Name).ReferenceName(300);
        RuleFor(r => r.Description).ReferenceText(2000);
        RuleFor(r => r.Publisher).ReferenceText(200);
        RuleFor(r => r.CoverageFrom).InclusiveBetween(1900, 2100);
        RuleFor(r => r.CoverageTo).InclusiveBetween(1900, 2100)
            .Must((r, to) => r.CoverageFrom is null || to is null || to >= r.CoverageFrom).WithMessage("'coverageTo' must not be before " +
                "'coverageFrom'.");
    }
}
