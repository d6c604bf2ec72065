using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using CaseApi.Entities;
using CaseApi.Infrastructure.OpenApi;
using FluentValidation;
using NpgsqlTypes;

namespace CaseApi.Cases;

/// <summary>
/// The one map of a case's writable fields, derived once from the contract so that adding a field is the entity, the
/// contract, the validator and a migration: each parameter of <see cref="CaseRequest"/>, in order, is a field, named as
/// in JSON; the <see cref="Case"/> property of the same name stores it (a partial date with its <c>…Precision</c>
/// property) in the column EF names after it; the <see cref="CaseResponse"/> property of the same name reads it; the
/// pair of request and entity types decides its kind; and it is required when the validator demands it. A pair of
/// types with no kind, or a missing property, fails the map's construction with a message naming it. The mapping between
/// request and entity, CSV reading and writing, the exports' columns, the import's mask, staging COPY and merge, and
/// the audit snapshot in SQL all walk this map; tests check it against the EF model and the JSON contract.
/// </summary>
internal static class CaseColumns
{
    /// <summary>The entity's name for a field it names otherwise; every other field has one name throughout.</summary>
    private static readonly Dictionary<string, string> EntityNames = new(StringComparer.Ordinal)
    {
        // The contract's sponsor is a code; the entity's property is the foreign key to the sponsors table.
        [nameof(CaseRequest.Sponsor)] = nameof(Case.SponsorCode),
    };

    /// <summary>The field kinds, by the request's type and the entity's (nullable annotations are not types at run time).</summary>
    private static readonly Dictionary<(Type Requested, Type Stored), CaseFieldKind> Kinds = new()
    {
        [(typeof(string), typeof(string))] = CaseFieldKind.Text,
        [(typeof(string), typeof(DateOnly?))] = CaseFieldKind.Date,
        [(typeof(IReadOnlyList<string>), typeof(string[]))] = CaseFieldKind.List,
        [(typeof(int?), typeof(int?))] = CaseFieldKind.Integer,
        [(typeof(decimal?), typeof(decimal?))] = CaseFieldKind.Number,
        [(typeof(IReadOnlyList<CaseSource>), typeof(List<CaseSource>))] = CaseFieldKind.Sources,
        [(typeof(IReadOnlyList<ListEvidence>), typeof(List<ListEvidence>))] = CaseFieldKind.Evidence,
    };

    private static readonly ConstructorInfo RequestConstructor = typeof(CaseRequest).GetConstructors().Single();

    private static readonly ConstructorInvoker NewRequest = ConstructorInvoker.Create(RequestConstructor);

    public static readonly IReadOnlyList<CaseField> Fields = Declare();

    /// <summary>Fields every export carries and every import accepts and ignores: the server's and the derived ones.</summary>
    public static readonly IReadOnlyList<string> ReadOnly =
    [
        "id", "sponsorType", "policyAligned", "alignedPolicies", "createdAt", "updatedAt", .. EntityCodes.NamedRoles.Select(r => r.IdsField),
        "version",
    ];

    /// <summary>Every field; refuses more fields than the mask holds.</summary>
    public static readonly CaseFieldMask AllFields = CaseFieldMask.All(Fields.Count);

    public static readonly Dictionary<string, CaseField> ByName = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every stored column, in COPY order.</summary>
    public static IEnumerable<(CaseField Field, CaseDbColumn Column)> DbColumns => Fields.SelectMany(f => f.Columns.Select(c => (f, c)));

    /// <summary>A case's writable fields as the API's JSON (partial dates as given), built in SQL over the given column expressions.</summary>
    public static string SnapshotSql(Func<CaseField, string, string> column) =>
        "jsonb_build_object(" + string.Join(", ", Fields.Select(f => $"'{f.Name}', {f.JsonSql(column)}")) + ")";

    /// <summary>
    /// A <see cref="CaseRequest"/> from one value per field, in field order (the record's parameter order), each of its
    /// parameter's type or null; a value of another type throws.
    /// </summary>
    public static CaseRequest ToRequest(object?[] values) => (CaseRequest)NewRequest.Invoke(values.AsSpan());

    private static CaseField[] Declare()
    {
        // The validator's rules are read, never run, so the services its rules would call are not needed here.
        var rules = new CaseRequestValidator(null!, TimeProvider.System).CreateDescriptor();
        return [.. RequestConstructor.GetParameters().Select((p, i) => Declare(i, p.Name!, rules))];
    }

    private static CaseField Declare(int index, string member, IValidatorDescriptor rules)
    {
        var name = JsonNamingPolicy.CamelCase.ConvertName(member);
        var requested = Property(typeof(CaseRequest), member);
        var read = Property(typeof(CaseResponse), member);
        var stored = Property(typeof(Case), EntityNames.GetValueOrDefault(member, member));
        if (!Kinds.TryGetValue((requested.PropertyType, stored.PropertyType), out var kind))
        {
            throw new InvalidOperationException($"CaseRequest.{member} ({requested.PropertyType.Name}) stored in Case.{stored.Name} " +
                $"({stored.PropertyType.Name}): no field kind reads and writes that pair of types; use one of CaseColumns.Kinds or add one.");
        }
        if (read.PropertyType != requested.PropertyType)
        {
            throw new InvalidOperationException($"CaseResponse.{member} is a {read.PropertyType.Name}, CaseRequest.{member} a " +
                $"{requested.PropertyType.Name}: a field reads back as the type it is written as.");
        }

        var (get, set) = (Getter<Case>(stored), Setter(stored));
        var column = Column(stored);
        (CaseDbColumn[] Columns, Action<Case, object?> Store, Func<Case, object?> Load) map = kind switch
        {
            CaseFieldKind.List => ([new(column, NpgsqlDbType.Array | NpgsqlDbType.Text, get)], (c, v) => set(c, Strings(v)), get),
            CaseFieldKind.Date => DateColumns(stored, get, set),
            CaseFieldKind.Sources => (Json(column, stored, get), (c, v) => set(c, Objects<CaseSource>(v)), get),
            CaseFieldKind.Evidence => (Json(column, stored, get), (c, v) => set(c, Objects<ListEvidence>(v)), get),
            CaseFieldKind.Integer => ([new(column, NpgsqlDbType.Integer, get)], set, get),
            CaseFieldKind.Number => ([new(column, NpgsqlDbType.Numeric, get)], set, get),
            _ => ([new(column, NpgsqlDbType.Text, get)], set, get),
        };
        return new CaseField
        {
            Index = index, Name = name, Kind = kind, Required = ValidatorSchemaTransformer.Demands(rules, name), Columns = map.Columns,
            Read = Getter<CaseResponse>(read), Requested = Getter<CaseRequest>(requested), Store = map.Store, Stored = map.Load,
        };
    }

    /// <summary>A partial date: its first day in one column, its precision (Year, Month, Day) in the next.</summary>
    private static (CaseDbColumn[], Action<Case, object?>, Func<Case, object?>) DateColumns(
        PropertyInfo date, Func<Case, object?> get, Action<Case, object?> set)
    {
        var precision = Property(typeof(Case), date.Name + "Precision");
        if (precision.PropertyType != typeof(DatePrecision?))
        {
            throw new InvalidOperationException($"Case.{precision.Name} must be a DatePrecision? to hold the precision of Case.{date.Name}.");
        }
        var (getPrecision, setPrecision) = (Getter<Case>(precision), Setter(precision));
        return (
            [new(Column(date), NpgsqlDbType.Date, get), new(Column(precision), NpgsqlDbType.Text, c => getPrecision(c)?.ToString())],
            (c, v) =>
            {
                var known = PartialDate.TryParse((string?)v, out var d);
                set(c, known ? d.Value : null);
                setPrecision(c, known ? d.Precision : null);
            },
            c => PartialDate.Format((DateOnly?)get(c), (DatePrecision?)getPrecision(c)));
    }

    private static CaseDbColumn[] Json(string column, PropertyInfo stored, Func<Case, object?> get) =>
        [new(column, NpgsqlDbType.Jsonb, c => JsonSerializer.Serialize(get(c), stored.PropertyType, CaseConfiguration.SourceJson))];

    private static string[] Strings(object? values) => values is IEnumerable<string?> list ? [.. list.OfType<string>()] : [];

    private static List<T> Objects<T>(object? values) => values is IEnumerable<T?> list ? [.. list.OfType<T>()] : [];

    /// <summary>The column EF gives the property (UseSnakeCaseNamingConvention); a test holds the two together.</summary>
    private static string Column(PropertyInfo property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);

    private static PropertyInfo Property(Type type, string name) => type.GetProperty(name) ?? throw new InvalidOperationException(
        $"{type.Name} has no property {name}: each parameter of CaseRequest needs one of that name on Case and on CaseResponse.");

    // Compiled once: an export reads a field per cell for every row, where PropertyInfo.GetValue would cost several times as much.
    private static Func<T, object?> Getter<T>(PropertyInfo property)
    {
        var target = Expression.Parameter(typeof(T));
        return Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(target, property), typeof(object)), target).Compile();
    }

    private static Action<Case, object?> Setter(PropertyInfo property)
    {
        var (target, value) = (Expression.Parameter(typeof(Case)), Expression.Parameter(typeof(object)));
        var assign = Expression.Assign(Expression.Property(target, property), Expression.Convert(value, property.PropertyType));
        return Expression.Lambda<Action<Case, object?>>(assign, target, value).Compile();
    }
}
