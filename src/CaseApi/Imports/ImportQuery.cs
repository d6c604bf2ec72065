using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.ComponentModel;
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
        RuleFor(q => q.Mode).Must(m => m is null || ImportModes.All.Contains(m.ToLowerInvariant()))
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
    public const int MaxLimit = 1000;

    public int PageSize => Limit ?? 50;

    public bool CountTotal => Count is null or "exact";
}

public sealed class ImportListQueryValidator : AbstractValidator<ImportListQuery>
{
    public ImportListQueryValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, ImportListQuery.MaxLimit);
        RuleFor(q => q.Count).Must(c => c is null or "exact" or "none").WithMessage("'count' is exact or none.");
        RuleFor(q => q.Cursor).Must(c => c is null || ImportCursor.TryRead(c, out _, out _))
            .WithMessage("Pass the nextCursor of a previous page unchanged.");
    }
}

/// <summary>The opaque keyset cursor of the import list: the last report's start time and id.</summary>
internal static class ImportCursor
{
    public static string Write(ImportReport last) => Base64Url.EncodeToString(
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.StartedAt.UtcTicks}_{last.Id:N}")));

    public static bool TryRead(string cursor, out DateTimeOffset startedAt, out Guid id)
    {
        startedAt = default;
        id = default;
        if (cursor.Length > 100) return false;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('_');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[1], "N", out id))
            {
                return false;
            }
            startedAt = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
