using System.Globalization;
using System.Text.Json;
using NpgsqlTypes;

namespace CaseApi.Cases;

/// <summary>How a field is read and written; <c>Sources</c> and <c>Evidence</c> are lists of objects, a JSON array in one CSV cell.</summary>
internal enum CaseFieldKind { Text, List, Date, Integer, Number, Sources, Evidence }

/// <summary>One stored column of a field; a partial date has two, the date and its precision.</summary>
internal sealed record CaseDbColumn(string Name, NpgsqlDbType Type, Func<Case, object?> Value);

/// <summary>
/// One writable field of a case, as <see cref="CaseColumns"/> derives it from <see cref="CaseRequest"/>: its name in JSON
/// and CSV, its kind, whether a new case needs it, the columns that store it, and how its value moves between the
/// request, the entity and the response.
/// </summary>
internal sealed class CaseField
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required CaseFieldKind Kind { get; init; }

    /// <summary>Whether the validator demands the field, so that a row creating a case must name it.</summary>
    public required bool Required { get; init; }

    public required IReadOnlyList<CaseDbColumn> Columns { get; init; }

    /// <summary>The value as the response carries it.</summary>
    public required Func<CaseResponse, object?> Read { get; init; }

    /// <summary>The value as the request carries it.</summary>
    public required Func<CaseRequest, object?> Requested { get; init; }

    /// <summary>Stores a validated request's value on the entity: lists without null items, a partial date as its date and precision.</summary>
    public required Action<Case, object?> Store { get; init; }

    /// <summary>The entity's value in the request's shape, from which merge patch and the audit diff start.</summary>
    public required Func<Case, object?> Stored { get; init; }

    /// <summary>The field's bit in an import row's mask of the fields it names.</summary>
    public CaseFieldMask Bit => CaseFieldMask.Of(Index);

    /// <summary>The SQL of <see cref="Bit"/>.</summary>
    public string BitSql => CaseFieldMask.BitSql(Index);

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
