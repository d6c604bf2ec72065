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
}
