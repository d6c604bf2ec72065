namespace CaseApi.Cases;

/// <summary>
/// The CSV shape of a case, shared by import and export so that an export re-imports unchanged:
/// one column per writable field of <see cref="CaseRequest"/>, named as in JSON; list fields joined with ';';
/// sources as a JSON array of source objects (import also accepts ';'-separated URLs).
/// </summary>
public static class CaseCsv
{
    public const char ListSeparator = ';';

    public static readonly IReadOnlyList<string> Columns =
    [
        "slug", "title", "summary", "activityTypes", "tradecraft", "sponsor", "sponsorConfidence", "collectorType",
        "collectorCitizenship", "defendants", "sectors", "victimTypes", "victims", "usStates", "venue",
        "activityStart", "activityEnd", "chargedOn", "resolvedOn", "outcome", "sentenceMonths", "fineUsd", "lossUsd",
        "sources", "tags", "listedIn",
    ];

    /// <summary>Columns a CSV import must have: the required fields of a case.</summary>
    public static readonly IReadOnlySet<string> RequiredColumns =
        new HashSet<string>(["slug", "title", "activityTypes", "collectorType", "sectors", "outcome"], StringComparer.Ordinal);

    /// <summary>Columns holding ';'-separated lists.</summary>
    public static readonly IReadOnlySet<string> ListColumns = new HashSet<string>(
        ["activityTypes", "tradecraft", "defendants", "sectors", "victimTypes", "victims", "usStates", "tags", "listedIn"], StringComparer.Ordinal);

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
