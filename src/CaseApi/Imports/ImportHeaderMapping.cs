using CaseApi.Cases;
using F23.StringSimilarity;

namespace CaseApi.Imports;

/// <summary>
/// How the header of a tabular import (a CSV file, a spreadsheet's first sheet) names the case's fields: the one place
/// where header text is compared with field names, for every tabular format. Headers are matched as people write them:
/// letter case, spaces, <c>_</c> and <c>-</c> are ignored (<c>Activity Types</c>, <c>activity_types</c> and
/// <c>ACTIVITY-TYPES</c> all name <c>activityTypes</c>); the read-only columns of an export (<c>id</c>,
/// <c>sponsorType</c>, …) are known too. An unknown header names the nearest column when one is close.
/// </summary>
internal static class ImportHeaderMapping
{
    /// <summary>
    /// The largest edit distance (Levenshtein, over the compared keys) at which an unknown header is said to mean a
    /// column: two edits catch a dropped, doubled or swapped letter, and stay below the distance between any two column
    /// names (<c>ImportHeaderMappingTests</c> checks), so a suggestion is never a coin toss between two columns.
    /// </summary>
    public const int SuggestionDistance = 2;

    private static readonly Levenshtein Distance = new();
    private static readonly Dictionary<string, CaseField> Fields = CaseColumns.Fields.ToDictionary(f => Key(f.Name));
    private static readonly Dictionary<string, string> ReadOnly = CaseColumns.ReadOnly.ToDictionary(Key);

    /// <summary>What one header cell names: a writable field, a read-only column (by its own name), or nothing.</summary>
    public static ImportColumn Match(string? header)
    {
        var key = Key(header);
        return new ImportColumn(header?.Trim() ?? "", Fields.GetValueOrDefault(key), ReadOnly.GetValueOrDefault(key));
    }

    /// <summary>Why a header that names nothing refuses the file, and the column it most likely meant.</summary>
    public static string Unknown(ImportColumn column) =>
        $"Unknown column '{ImportHeader.Shorten(column.Header)}'." + (Nearest(column.Header) is { } near
            ? $" Did you mean '{near}'?"
            : $" Columns are the case field names: {string.Join(", ", CaseCsv.ExportColumns)}.");

    /// <summary>The column whose name is nearest to a header, when it is within <see cref="SuggestionDistance"/>.</summary>
    public static string? Nearest(string? header)
    {
        var key = Key(header);
        if (key.Length == 0) return null;
        return CaseCsv.ExportColumns
            .Select(name => (name, distance: Distance.Distance(key, Key(name))))
            .Where(c => c.distance <= SuggestionDistance)
            .OrderBy(c => c.distance)
            .Select(c => c.name)
            .FirstOrDefault();
    }

    /// <summary>A header as it is compared: lower case, without white space, '_' or '-'.</summary>
    private static string Key(string? header) =>
        string.Concat((header ?? "").Where(ch => !char.IsWhiteSpace(ch) && ch is not ('_' or '-')).Select(char.ToLowerInvariant));
}

/// <summary>One header cell: its text as written, and the writable field or read-only column it names (neither when unknown).</summary>
internal sealed record ImportColumn(string Header, CaseField? Field, string? ReadOnly)
{
    /// <summary>The canonical name of what the column names; two columns with one name name one thing twice.</summary>
    public string? Name => Field?.Name ?? ReadOnly;
}
