using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CaseApi.Cases;

namespace CaseApi.Imports;

/// <summary>
/// The report of one import. Counts are always complete; errors lists the first 1000 of them. For a dry run the counts
/// are what a commit would do, and changes lists, field by field, the first rows it would create or change; for a
/// rejected (atomic) import nothing was written, so created, updated and unchanged are 0.
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
    /// <summary>
    /// Dry run only, in the response to the POST: each row that would create or change a case, with the fields that
    /// would change (from, to), in row order; at most 100 rows, while created + updated count them all.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ImportChange>? Changes { get; init; }

    /// <summary>
    /// In the response to the POST: the entities the file's names (defendants, victims, employers, units) made because no entity had them
    /// (with their ids when the import committed; a dry run shows what it would make, a rejected import makes none), each with
    /// the first row naming it, in that order; at most 1,000, while newEntityCount counts them all.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ImportNewEntity>? NewEntities { get; init; }

    /// <summary>In the response to the POST: how many entities the file's names made (or a dry run would make).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NewEntityCount { get; init; }

    internal static ImportResponse From(ImportReport r) => new(
        r.Id, r.Status, r.Format, r.Mode, r.DryRun, r.Atomic, r.Actor, r.Received, r.Created, r.Updated, r.Unchanged, r.Rejected,
        r.Errors?.Deserialize<List<ImportError>>(JsonSerializerOptions.Web) ?? [], r.StartedAt, r.DurationMs);
}

/// <summary>
/// One problem with one record: its 1-based number (CSV: not counting the header), slug when known, JSON field path, and
/// what is wrong.
/// </summary>
public sealed record ImportError(int Row, string? Slug, string? Field, string Message);

/// <summary>An entity an import's name made: the first row naming it, the name as written, its role there, and the new entity.</summary>
public sealed record ImportNewEntity(int Row, string Name, string Role, string Slug, string Kind, Guid? Id);

/// <summary>A row a dry run would write: create or update, and each field that would change, as {"title": {"from": …, "to": …}}.</summary>
public sealed record ImportChange(int Row, string Slug, string Action, IReadOnlyDictionary<string, ImportFieldChange> Fields);

/// <summary>A field's stored value and the value the import would write; null where there is none.</summary>
public sealed record ImportFieldChange(JsonNode? From, JsonNode? To);

/// <summary>
/// One record read from an import file: a case to validate, or the errors that kept it from being read. Present is the
/// mask of the fields the record names (a CSV file's header, a JSON record's properties); Id is the id it carries, if any.
/// </summary>
internal sealed record ImportRow(int Number, CaseRequest? Request, string? Slug, IReadOnlyList<ImportError> Errors, CaseFieldMask Present, Guid? Id)
{
    public static ImportRow Broken(int number, string? slug, string? field, string message) =>
        new(number, null, slug, [new ImportError(number, slug, field, message)], CaseFieldMask.None, null);
}

internal static class ImportStatus
{
    public const string Committed = "committed";
    public const string DryRun = "dry-run";
    public const string Rejected = "rejected";

    /// <summary>A dry run reports whatever it found; an atomic import with a bad record writes nothing; else the good records are written.</summary>
    public static string Of(bool dryRun, bool atomic, int rejected) => dryRun ? DryRun : atomic && rejected > 0 ? Rejected : Committed;
}

internal static class ImportModes
{
    public const string Upsert = "upsert";
    public const string Insert = "insert";
    public const string Replace = "replace";

    public static readonly IReadOnlyList<string> All = [Upsert, Insert, Replace];
}
