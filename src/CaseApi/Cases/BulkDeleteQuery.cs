using CaseApi.Infrastructure.Paging;
using FluentValidation;

namespace CaseApi.Cases;

/// <summary>The query of DELETE /cases besides the filters.</summary>
/// <param name="DryRun">true: only count what would be deleted and return the token that the delete needs.</param>
/// <param name="Token">The token of the dry run with the same filters; without dryRun, required.</param>
public sealed record BulkDeleteQuery(bool? DryRun, string? Token);

internal sealed class BulkDeleteQueryValidator : AbstractValidator<BulkDeleteQuery>
{
    public BulkDeleteQueryValidator()
    {
        RuleFor(q => q.Token).MaximumLength(PageCursor.MaxLength);
        RuleFor(q => q.Token).Null().When(q => q.DryRun == true).WithMessage("A dry run takes no token.");
    }
}
