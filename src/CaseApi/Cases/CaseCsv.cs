namespace CaseApi.Cases;

/// <summary>
/// The CSV shape of a case, shared by import and export so that an export re-imports unchanged: one column per field
/// of the column map, named as in JSON; list fields joined with ';'; sources as a JSON array of source objects (import
/// also accepts ';'-separated URLs). The export adds the read-only columns, which the import accepts and ignores.
/// </summary>
public static class CaseCsv
{
    public const char ListSeparator = ';';

    /// <summary>The writable columns, in the order of the column map.</summary>
    public static readonly IReadOnlyList<string> Columns = [.. CaseColumns.Fields.Select(f => f.Name)];

    /// <summary>The export's columns: the id first, the writable fields, then the derived and server-kept ones.</summary>
    public static readonly IReadOnlyList<string> ExportColumns = ["id", .. Columns, .. CaseColumns.ReadOnly.Where(c => c is not ("id" or "version"))];

    /// <summary>
    /// Spreadsheets run a cell that starts with one of these as a formula (CSV injection): the export prefixes such a
    /// cell with an apostrophe, which spreadsheets read as "this is text", and the import removes exactly that prefix.
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> FormulaStarts = System.Buffers.SearchValues.Create("=+-@\t\r");

    public static string? EscapeFormula(string? cell) =>
        cell is { Length: > 0 } && FormulaStarts.Contains(cell[0]) ? "'" + cell : cell;

    /// <summary>The inverse of <see cref="EscapeFormula"/>: an apostrophe followed by a formula character loses the apostrophe.</summary>
    public static string UnescapeFormula(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && FormulaStarts.Contains(cell[1]) ? cell[1..] : cell;
}
