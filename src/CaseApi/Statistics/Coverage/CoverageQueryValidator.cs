using CaseApi.ReferenceData;
using FluentValidation;

namespace CaseApi.Statistics.Coverage;

public sealed class CoverageQueryValidator : AbstractValidator<CoverageQuery>
{
    /// <summary>2^k − 1 cells and k(k−1)/2 + 2 models: beyond this the fits stop being instant and the tables sparse.</summary>
    public const int MaxLists = 8;

    public CoverageQueryValidator(ReferenceCodes referenceCodes)
    {
        RuleFor(q => q.Codes).Cascade(CascadeMode.Stop)
            .Must(codes => codes.Count >= 2).WithMessage("Name at least two source lists, e.g. lists=doj-press-releases,csis-survey.")
            .Must(codes => codes.Count <= MaxLists).WithMessage($"Name at most {MaxLists} source lists.")
            .Must(codes => codes.Distinct().Count() == codes.Count).WithMessage("A source list is named twice.")
            .OverridePropertyName("lists");
        RuleFor(q => q.Codes).CustomAsync(async (codes, context, ct) =>
        {
            var known = (await referenceCodes.GetAsync(ct)).SourceLists;
            foreach (var code in codes.Where(c => !known.Contains(c)))
            {
                context.AddFailure("lists", $"'{code}' is not a source list code; see GET /api/v1/source-lists.");
            }
        });
    }
}
