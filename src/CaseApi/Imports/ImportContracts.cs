using System.Text.Json;
using CaseApi.Cases;

namespace CaseApi.Imports;

/// <summary>
/// The report of one import. Counts are always complete; <see cref="Errors"/> lists at most
/// <see cref="ImportOptions.MaxListedErrors"/> of them. For a dry run the counts are what a commit would do;
/// for a rejected (atomic) import nothing was written, so created, updated and unchanged are 0.
/// </summary>
public sealed record ImportResponse(
    Guid Id,
    string Status,
    string Format,
    string Mode,
    bool DryRun,
    bool Atomic,
    string Actor,
    int Received,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    IReadOnlyList<ImportError> Errors,
    DateTimeOffset StartedAt,
    long DurationMs)
{
    internal static ImportResponse From(ImportReport r) => new(
        r.Id, r.Status, r.Format, r.Mode, r.DryRun, r.Atomic, r.Actor, r.Received, r.Created, r.Updated, r.Unchanged, r.Rejected,
        r.Errors?.Deserialize<List<ImportError>>(JsonSerializerOptions.Web) ?? [], r.StartedAt, r.DurationMs);
}

/// <summary>One problem with one record: its 1-based number (CSV: not counting the header), slug when known, JSON field path, and what is wrong.</summary>
public sealed record ImportError(int Row, string? Slug, string? Field, string Message);

/// <summary>One record read from an import file: a case to validate, or the errors that kept it from being read.</summary>
internal sealed record ImportRow(int Number, CaseRequest? Request, string? Slug, IReadOnlyList<ImportError> Errors)
{
    public static ImportRow Broken(int number, string? slug, string? field, string message) =>
        new(number, null, slug, [new ImportError(number, slug, field, message)]);
}

internal static class ImportStatus
{
    public const string Committed = "committed";
    public const string DryRun = "dry-run";
    public const string Rejected = "rejected";
}

internal static class ImportModes
{
    public const string Upsert = "upsert";
    public const string Insert = "insert";
}
