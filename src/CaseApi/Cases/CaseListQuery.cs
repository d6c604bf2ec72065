using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using FluentValidation;

namespace CaseApi.Cases;

/// <summary>Paging and order of the case list; the filters are <see cref="CaseFilter"/>.</summary>
/// <param name="Sort">title, chargedOn, resolvedOn, createdAt or updatedAt; '-' in front for descending (default -chargedOn).</param>
/// <param name="Limit">Cases per page, 1–1000 (default 50).</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
/// <param name="Count">
/// Omitted: the cheapest honest total: exact (totalIsExact) when the planner expects at most 1,000 matches, else its estimate
/// (totalIsEstimate); at least 1,000 (both false) when it expected few but more match. exact: always counted (reads every
/// match); estimate: always the planner's estimate; none: no total (null).
/// </param>
/// <param name="Fields">Comma-separated fields each listed case carries, e.g. id,slug,chargedOn; all when absent.</param>
public sealed record CaseListQuery(string? Sort, int? Limit, string? Cursor, string? Count, string? Fields)
{
    public int PageSize => Limit ?? PagingRules.DefaultLimit;
}

public sealed class CaseListQueryValidator : AbstractValidator<CaseListQuery>
{
    public CaseListQueryValidator()
    {
        RuleFor(q => q.Sort).OneOf(ClosedValues.Sorts(CaseSort.Names))
            .WithMessage($"'{{PropertyValue}}' is not a sort key; use {string.Join(", ", CaseSort.Names)}, with '-' in front for descending.");
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Count).CountMode("exact", "estimate", "none");
        RuleFor(q => q.Fields).FieldList("CaseListField", CaseExportColumns.ListNames);
        RuleFor(q => q.Cursor)
            .Must((q, text) => text is null
                || (PageCursor.TryDecode<KeysetCursor>(text, out var cursor) && (!CaseSort.TryParse(q.Sort, out var sort) || sort!.Accepts(cursor))))
            .WithMessage("The cursor is not one this list issued for this sort; start again without a cursor, or keep the sort it was made with.");
    }
}
