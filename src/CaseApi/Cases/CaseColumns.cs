using System.Globalization;
using System.Text.Json;
using NpgsqlTypes;

namespace CaseApi.Cases;

/// <summary>How a field is read and written; <c>Sources</c> and <c>Evidence</c> are lists of objects, a JSON array in one CSV cell.</summary>
internal enum CaseFieldKind { Text, List, Date, Integer, Number, Sources, Evidence }

/// <summary>One stored column of a field; a partial date has two, the date and its precision.</summary>
internal sealed record CaseDbColumn(string Name, NpgsqlDbType Type, Func<Case, object?> Value);

/// <summary>One writable field of a case: its name in JSON and CSV, its kind, and the columns that store it.</summary>
internal sealed record CaseField(int Index, string Name, CaseFieldKind Kind, bool Required, IReadOnlyList<CaseDbColumn> Columns,
    Func<CaseResponse, object?> Read)
{
    /// <summary>The field's bit in an import row's mask of the fields it names.</summary>
    public int Bit => 1 << Index;

    /// <summary>The field's value as JSON, in SQL, over a function that gives each stored column's SQL expression.</summary>
    public string JsonSql(Func<CaseField, string, string> column) => Kind == CaseFieldKind.Date
        ? $"CASE {column(this, Columns[1].Name)} WHEN 'Year' THEN to_char({column(this, Columns[0].Name)}, 'YYYY') "
          + $"WHEN 'Month' THEN to_char({column(this, Columns[0].Name)}, 'YYYY-MM') "
          + $"WHEN 'Day' THEN to_char({column(this, Columns[0].Name)}, 'YYYY-MM-DD') END"
        : column(this, Columns[0].Name);

    /// <summary>
    /// The CSV cell of an exported case: lists joined with ';', numbers invariant, lists of objects (sources, list
    /// evidence) as their JSON array.
    /// </summary>
    public string? ToCell(CaseResponse c) => Read(c) switch
    {
        null => null,
        string text => text,
        IReadOnlyList<string> list => string.Join(CaseCsv.ListSeparator, list),
        IReadOnlyCollection<object> { Count: 0 } => null,
        IReadOnlyCollection<object> objects => JsonSerializer.Serialize(objects, CaseConfiguration.SourceJson),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };
}

/// <summary>
/// The one map of a case's writable fields, in the order of <see cref="CaseRequest"/>: CSV reading and writing, the
/// import's staging COPY and merge, and the audit snapshot in SQL all walk it, and a test checks it against the EF model.
/// </summary>
internal static class CaseColumns
{
    public static readonly IReadOnlyList<CaseField> Fields = Build(
    [
        ("slug", CaseFieldKind.Text, true, [new("slug", NpgsqlDbType.Text, c => c.Slug)], r => r.Slug),
        ("title", CaseFieldKind.Text, true, [new("title", NpgsqlDbType.Text, c => c.Title)], r => r.Title),
        ("summary", CaseFieldKind.Text, false, [new("summary", NpgsqlDbType.Text, c => c.Summary)], r => r.Summary),
        ("activityTypes", CaseFieldKind.List, true, [Array("activity_types", c => c.ActivityTypes)], r => r.ActivityTypes),
        ("tradecraft", CaseFieldKind.List, false, [Array("tradecraft", c => c.Tradecraft)], r => r.Tradecraft),
        ("sponsor", CaseFieldKind.Text, false, [new("sponsor_code", NpgsqlDbType.Text, c => c.SponsorCode)], r => r.Sponsor),
        ("sponsorConfidence", CaseFieldKind.Text, false, [new("sponsor_confidence", NpgsqlDbType.Text, c => c.SponsorConfidence)],
            r => r.SponsorConfidence),
        ("collectorType", CaseFieldKind.Text, true, [new("collector_type", NpgsqlDbType.Text, c => c.CollectorType)], r => r.CollectorType),
        ("collectorCitizenship", CaseFieldKind.Text, false, [new("collector_citizenship", NpgsqlDbType.Text, c => c.CollectorCitizenship)],
            r => r.CollectorCitizenship),
        ("defendants", CaseFieldKind.List, false, [Array("defendants", c => c.Defendants)], r => r.Defendants),
        ("sectors", CaseFieldKind.List, true, [Array("sectors", c => c.Sectors)], r => r.Sectors),
        ("victimTypes", CaseFieldKind.List, false, [Array("victim_types", c => c.VictimTypes)], r => r.VictimTypes),
        ("victims", CaseFieldKind.List, false, [Array("victims", c => c.Victims)], r => r.Victims),
        ("usStates", CaseFieldKind.List, false, [Array("us_states", c => c.UsStates)], r => r.UsStates),
        ("venue", CaseFieldKind.Text, false, [new("venue", NpgsqlDbType.Text, c => c.Venue)], r => r.Venue),
        ("activityStart", CaseFieldKind.Date, false, Date("activity_start", c => (c.ActivityStart, c.ActivityStartPrecision)), r => r.ActivityStart),
        ("activityEnd", CaseFieldKind.Date, false, Date("activity_end", c => (c.ActivityEnd, c.ActivityEndPrecision)), r => r.ActivityEnd),
        ("chargedOn", CaseFieldKind.Date, false, Date("charged_on", c => (c.ChargedOn, c.ChargedOnPrecision)), r => r.ChargedOn),
        ("resolvedOn", CaseFieldKind.Date, false, Date("resolved_on", c => (c.ResolvedOn, c.ResolvedOnPrecision)), r => r.ResolvedOn),
        ("outcome", CaseFieldKind.Text, true, [new("outcome", NpgsqlDbType.Text, c => c.Outcome)], r => r.Outcome),
        ("sentenceMonths", CaseFieldKind.Integer, false, [new("sentence_months", NpgsqlDbType.Integer, c => c.SentenceMonths)],
            r => r.SentenceMonths),
        ("fineUsd", CaseFieldKind.Number, false, [new("fine_usd", NpgsqlDbType.Numeric, c => c.FineUsd)], r => r.FineUsd),
        ("lossUsd", CaseFieldKind.Number, false, [new("loss_usd", NpgsqlDbType.Numeric, c => c.LossUsd)], r => r.LossUsd),
        ("sources", CaseFieldKind.Sources, false, [Json("sources", c => c.Sources)], r => r.Sources),
        ("tags", CaseFieldKind.List, false, [Array("tags", c => c.Tags)], r => r.Tags),
        ("listedIn", CaseFieldKind.List, false, [Array("listed_in", c => c.ListedIn)], r => r.ListedIn),
        ("listEvidence", CaseFieldKind.Evidence, false, [Json("list_evidence", c => c.ListEvidence)], r => r.ListEvidence),
    ]);

    /// <summary>Fields every export carries and every import accepts and ignores: the server's and the derived ones.</summary>
    public static readonly IReadOnlyList<string> ReadOnly =
        ["id", "sponsorType", "policyAligned", "alignedPolicies", "createdAt", "updatedAt", "version"];

    public static readonly int AllFields = (1 << Fields.Count) - 1;

    public static readonly Dictionary<string, CaseField> ByName = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every stored column, in COPY order.</summary>
    public static IEnumerable<(CaseField Field, CaseDbColumn Column)> DbColumns => Fields.SelectMany(f => f.Columns.Select(c => (f, c)));

    /// <summary>A case's writable fields as the API's JSON (partial dates as given), built in SQL over the given column expressions.</summary>
    public static string SnapshotSql(Func<CaseField, string, string> column) =>
        "jsonb_build_object(" + string.Join(", ", Fields.Select(f => $"'{f.Name}', {f.JsonSql(column)}")) + ")";

    /// <summary>A <see cref="CaseRequest"/> from values read in field order (the map's order is the record's).</summary>
    public static CaseRequest ToRequest(object?[] v) => new(
        (string?)v[0], (string?)v[1], (string?)v[2], (IReadOnlyList<string?>?)v[3], (IReadOnlyList<string?>?)v[4], (string?)v[5], (string?)v[6],
        (string?)v[7], (string?)v[8], (IReadOnlyList<string?>?)v[9], (IReadOnlyList<string?>?)v[10], (IReadOnlyList<string?>?)v[11],
        (IReadOnlyList<string?>?)v[12], (IReadOnlyList<string?>?)v[13], (string?)v[14], (string?)v[15], (string?)v[16], (string?)v[17],
        (string?)v[18], (string?)v[19], (int?)v[20], (decimal?)v[21], (decimal?)v[22], (IReadOnlyList<CaseSource?>?)v[23],
        (IReadOnlyList<string?>?)v[24], (IReadOnlyList<string?>?)v[25], (IReadOnlyList<ListEvidence?>?)v[26]);

    private static CaseDbColumn Array(string name, Func<Case, string[]> value) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text, value);

    private static CaseDbColumn Json<T>(string name, Func<Case, List<T>> value) =>
        new(name, NpgsqlDbType.Jsonb, c => JsonSerializer.Serialize(value(c), CaseConfiguration.SourceJson));

    private static CaseDbColumn[] Date(string name, Func<Case, (DateOnly? Value, DatePrecision? Precision)> value) =>
        [new(name, NpgsqlDbType.Date, c => value(c).Value), new($"{name}_precision", NpgsqlDbType.Text, c => value(c).Precision?.ToString())];

    private static CaseField[] Build(
        (string Name, CaseFieldKind Kind, bool Required, CaseDbColumn[] Columns, Func<CaseResponse, object?> Read)[] fields) =>
        [.. fields.Select((f, i) => new CaseField(i, f.Name, f.Kind, f.Required, f.Columns, f.Read))];
}
