using System.ComponentModel;
using CaseApi.Infrastructure.Paging;
using CaseApi.Infrastructure.Validation;
using FluentValidation;
using FromHeaderAttribute = Microsoft.AspNetCore.Mvc.FromHeaderAttribute;

namespace CaseApi.Imports;

/// <summary>How to import: the mode, whether to write, and what to do with bad rows.</summary>
/// <param name="Mode">
/// upsert (default, keyed on slug): a new slug creates a case; a known slug changes only the fields the file names (a
/// column absent from the CSV header, or a property absent from a JSON record, keeps its value; an empty cell or null
/// clears it). insert: only new slugs; a known slug is a row error. replace: like upsert, but a known slug's case is
/// replaced whole, so every field the file leaves out is cleared.
/// </param>
/// <param name="DryRun">true: validate and report what a commit would do (with a field-level diff of each change), writing nothing.</param>
/// <param name="Atomic">true (default): any bad row rejects the whole file with 422; false: the good rows are written and the bad ones
/// reported.</param>
/// <param name="IdempotencyKey">A retry with the same key and body returns the first report without importing again; 1 to 200 characters.</param>
public sealed record ImportQuery(
    [property: DefaultValue(ImportModes.Upsert)] string? Mode,
    [property: DefaultValue(false)] bool? DryRun,
    [property: DefaultValue(true)] bool? Atomic,
    [FromHeader(Name = "Idempotency-Key")] string? IdempotencyKey)
{
    public string ModeOrDefault => Mode?.ToLowerInvariant() ?? ImportModes.Upsert;

    public bool IsDryRun => DryRun ?? false;

    public bool IsAtomic => Atomic ?? true;
}

public sealed class ImportQueryValidator : AbstractValidator<ImportQuery>
{
    public ImportQueryValidator()
    {
        RuleFor(q => q.Mode).OneOf(ImportModes.All, StringComparer.OrdinalIgnoreCase)
            .WithMessage($"'{{PropertyValue}}' is not an import mode; use {string.Join(", ", ImportModes.All)}.");
        RuleFor(q => q.IdempotencyKey).Length(1, 200).Must(k => k is null || !k.Any(char.IsControl))
            .WithName("Idempotency-Key").WithMessage("The Idempotency-Key header must be 1 to 200 printable characters.");
    }
}

/// <summary>Paging of the import reports, newest first.</summary>
/// <param name="Limit">Reports per page, 1–1000 (default 50).</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
/// <param name="Count">exact (default): total in the body; none: skip counting, total is null.</param>
public sealed record ImportListQuery(int? Limit, string? Cursor, string? Count)
{
    public int PageSize => Limit ?? PagingRules.DefaultLimit;

    public bool CountTotal => Count is null or "exact";
}

public sealed class ImportListQueryValidator : AbstractValidator<ImportListQuery>
{
    public ImportListQueryValidator()
    {
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Count).CountMode();
        RuleFor(q => q.Cursor).PageCursorOf<ImportListQuery, ImportPosition>();
    }
}

/// <summary>The position of an import-list page: the last report's start time and id.</summary>
internal sealed record ImportPosition(DateTimeOffset StartedAt, Guid Id);
