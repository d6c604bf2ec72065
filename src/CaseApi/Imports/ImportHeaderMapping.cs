using CaseApi.Cases;

namespace CaseApi.Imports;

/// <summary>
/// How the header of a tabular import (a CSV file, a spreadsheet's first sheet) names the case's fields: the one place
/// where header text is compared with field names, for every tabular format. A header names a field in any letter case,
/// surrounding spaces ignored; the read-only columns of an export (<c>id</c>, <c>sponsorType</c>, …) are known too.
/// </summary>
internal static class ImportHeaderMapping
{
    private static readonly Dictionary<string, CaseField> Fields =
        CaseColumns.Fields.ToDictionary(f => Key(f.Name), StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> ReadOnly = CaseColumns.ReadOnly.ToDictionary(Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>What one header cell names: a writable field, a read-only column (by its own name), or nothing.</summary>
    public static ImportColumn Match(string? header)
    {
        var key = Key(header);
        return new ImportColumn(key, Fields.GetValueOrDefault(key), ReadOnly.GetValueOrDefault(key));
    }

    /// <summary>Why a header that names nothing refuses the file, and what it could have said.</summary>
    public static string Unknown(ImportColumn column) =>
        $"Unknown column '{ImportHeader.Shorten(column.Header)}'. Columns are the case field names: {string.Join(", ", CaseCsv.ExportColumns)}.";

    /// <summary>A header cell's text as it is compared (the dictionaries ignore letter case).</summary>
    private static string Key(string? header) => header?.Trim() ?? "";
}

/// <summary>One header cell: its text as compared, and the writable field or read-only column it names (neither when unknown).</summary>
internal sealed record ImportColumn(string Header, CaseField? Field, string? ReadOnly)
{
    /// <summary>The canonical name of what the column names; two columns with one name name one thing twice.</summary>
    public string? Name => Field?.Name ?? ReadOnly;
}
