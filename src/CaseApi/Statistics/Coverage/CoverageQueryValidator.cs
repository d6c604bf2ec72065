using CaseApi.Infrastructure.Validation;
using CaseApi.ReferenceData;
using FluentValidation;

namespace CaseApi.Statistics.Coverage;

public sealed class CoverageQueryValidator : AbstractValidator<CoverageQuery>
{
    /// <summary>
    /// Five lists: 31 cells and 1,033 models, fitted with profile intervals within 2 s. Six would mean 32,768 interaction
    /// models and tables so sparse that most of them could not be checked.
    /// </summary>
    public const int MaxLists = 5;

    private const string AtLeastTwo = "Name at least two source lists, e.g. lists=doj-press-releases,csis-survey.";

    public CoverageQueryValidator(ReferenceCodes referenceCodes)
    {
        // NotEmpty on the bound parameter itself is what the contract reads to mark 'lists' required.
        RuleFor(q => q.Lists).NotEmpty().WithMessage(AtLeastTwo).OverridePropertyName("lists");
        RuleFor(q => q.Codes).Cascade(CascadeMode.Stop)
            .Must(codes => codes.Count >= 2).WithMessage(AtLeastTwo)
            .Must(codes => codes.Count <= MaxLists)
            .WithMessage($"Name at most {MaxLists} source lists: with six the 32,768 models of their dependences cannot be " +
                "compared within a request, and most of the 63 capture patterns would hold too few cases to check them.")
            .Must(codes => codes.Distinct().Count() == codes.Count).WithMessage("A source list is named twice.")
            .OverridePropertyName("lists").When(q => q.Lists is { Length: > 0 });
        RuleFor(q => q.Windows).OneOf([CoverageQuery.Common, CoverageQuery.Stratified])
            .WithMessage($"'windows' is '{CoverageQuery.Common}' (default) or '{CoverageQuery.Stratified}'.").OverridePropertyName("windows");
        RuleFor(q => q.Stratify).OneOf(CoverageQuery.StratifyFields)
            .WithMessage($"'stratify' is one of {string.Join(", ", CoverageQuery.StratifyFields)}: single-valued fields, so that each case " +
                "is in one stratum.").OverridePropertyName("stratify");
        RuleFor(q => q.Stratify).Null().When(q => q.IsStratified)
            .WithMessage("'stratify' and windows=stratified cut the cases two ways at once; use one of them.").OverridePropertyName("stratify");
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
