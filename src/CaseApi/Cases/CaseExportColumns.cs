using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CaseApi.Entities;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Infrastructure.Validation;
using FluentValidation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseApi.Cases;

/// <summary>What an export column holds, which decides its cell type in a spreadsheet and its column type in Parquet.</summary>
internal enum ExportKind { Text, List, PartialDate, Integer, Number, Boolean, Timestamp }

/// <summary>
/// An exported case with the derived values read beside it: the sponsor's type (from the reference tables) and the entity
/// ids its names in each named role are linked to (from the link table).
/// </summary>
internal readonly record struct ExportedCase(CaseResponse Case, string? SponsorType, CaseEntityIds? Links = null)
{
    public CaseEntityIds Entities => Links ?? CaseEntityIds.None;
}

/// <summary>
/// One column of an export: its name (the JSON property), its kind, its typed value and its CSV cell. The writable
/// columns come from the one column map, <see cref="CaseColumns"/>; the export adds the id and the derived fields.
/// </summary>
internal sealed record CaseExportColumn(string Name, ExportKind Kind, Func<ExportedCase, object?> Value, Func<ExportedCase, string?> Cell);

/// <summary>The columns every export format carries, in <see cref="CaseCsv.ExportColumns"/> order, and the fields= selection over them.</summary>
internal static class CaseExportColumns
{
    public static readonly IReadOnlyList<CaseExportColumn> All =
    [
        new("id", ExportKind.Text, e => e.Case.Id.ToString(), e => e.Case.Id.ToString()),
        .. CaseColumns.Fields.Select(f => new CaseExportColumn(f.Name, KindOf(f.Kind), e => f.Read(e.Case), e => f.ToCell(e.Case))),
        new("sponsorType", ExportKind.Text, e => e.SponsorType, e => e.SponsorType),
        new("policyAligned", ExportKind.Boolean, e => e.Case.PolicyAligned, e => e.Case.PolicyAligned ? "true" : "false"),
        new("alignedPolicies", ExportKind.List, e => e.Case.AlignedPolicies, e => string.Join(CaseCsv.ListSeparator, e.Case.AlignedPolicies)),
        new("createdAt", ExportKind.Timestamp, e => e.Case.CreatedAt, e => e.Case.CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
        new("updatedAt", ExportKind.Timestamp, e => e.Case.UpdatedAt, e => e.Case.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
        .. EntityCodes.NamedRoles.Select(r => new CaseExportColumn(r.IdsField, ExportKind.List, e => e.Entities.Of(r.Role),
            e => string.Join(CaseCsv.ListSeparator, e.Entities.Of(r.Role)))),
    ];

    /// <summary>The columns only an export carries: read beside the case, not part of the case resource.</summary>
    public static readonly IReadOnlyList<string> ExportOnly = ["sponsorType", .. EntityCodes.NamedRoles.Select(r => r.IdsField)];

    /// <summary>The names fields= accepts on the list: a listed case carries every export column except the export's own.</summary>
    public static readonly IReadOnlyList<string> ListNames = [.. All.Select(c => c.Name).Where(n => !ExportOnly.Contains(n))];

    public static readonly IReadOnlyList<string> ExportNames = [.. All.Select(c => c.Name)];

    private const int MaxCachedSelections = 256;

    private static readonly ConcurrentDictionary<(JsonSerializerOptions, string), JsonSerializerOptions> ListOptions = new();

    private static readonly Dictionary<string, string> Canonical = All.ToDictionary(c => c.Name, c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The selected columns in the order fields= names them (letter case forgiven, repeats dropped), or every column when
    /// fields= is absent. The validator has refused unknown names.
    /// </summary>
    public static IReadOnlyList<CaseExportColumn> Select(string? fields) => Names(fields) is { } names
        ? [.. names.Select(n => All.First(c => c.Name == n))]
        : All;

    /// <summary>The canonical names fields= selects, or null for all.</summary>
    public static IReadOnlyList<string>? Names(string? fields)
    {
        var names = (fields ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => Canonical.TryGetValue(n, out var name) ? name : n).Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? null : names;
    }

    /// <summary>A JSON contract modifier that drops every property of a case but the selected ones (none dropped without a selection).</summary>
    public static Action<JsonTypeInfo> KeepOnly(IReadOnlyList<string>? fields) => type =>
    {
        if (fields is null || type.Type != typeof(CaseResponse)) return;
        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (!fields.Contains(type.Properties[i].Name, StringComparer.Ordinal)) type.Properties.RemoveAt(i);
        }
    };

    /// <summary>
    /// The API's JSON options for a listed case with only the selected fields. Built once per selection and kept, up
    /// to a bound, because building a serializer's contracts costs far more than one page of cases.
    /// </summary>
    public static JsonSerializerOptions ListJson(JsonSerializerOptions api, IReadOnlyList<string> fields)
    {
        var key = string.Join(',', fields);
        if (ListOptions.TryGetValue((api, key), out var cached)) return cached;
        var options = new JsonSerializerOptions(api)
        {
            TypeInfoResolver = (api.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(KeepOnly(fields)),
        };
        if (ListOptions.Count < MaxCachedSelections) ListOptions.TryAdd((api, key), options);
        return options;
    }

    /// <summary>
    /// The contract's case with fields= (<c>CaseFields</c>): the members of CaseResponse, none required, so that a typed client
    /// reads a member fields= left out as absent, not as false, 0 or an empty list. The list's items and the JSON export's are these.
    /// </summary>
    internal static OpenApiSchemaReference FieldsSchema(OpenApiDocument document) =>
        PartialSchemas.Reference(document, "CaseFields", nameof(CaseResponse), [],
            "A case with the members fields= names (every member when fields= is absent); a member not named is absent, not null or empty.");

    /// <summary>An exported case: <see cref="FieldsSchema"/> plus the export's own columns, which GET /cases/{id} does not show.</summary>
    internal static OpenApiSchemaReference ExportedSchema(OpenApiDocument document) =>
        PartialSchemas.Reference(document, "ExportedCaseFields", nameof(CaseResponse), [],
            "An exported case: the members fields= names (every member when fields= is absent), including the export's own columns "
            + $"sponsorType, {string.Join(", ", EntityCodes.NamedRoles.Select(r => r.IdsField))}; a member not named is absent, not null or empty.",
            new Dictionary<string, IOpenApiSchema>
            {
                ["sponsorType"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String | JsonSchemaType.Null,
                    Description = "The type of the case's sponsor (intelligence-service, military, …); null when the case names no sponsor.",
                },
            }.Concat(EntityCodes.NamedRoles.Select(r => KeyValuePair.Create(r.IdsField, (IOpenApiSchema)EntityIds(r.Field)))).ToDictionary());

    private static OpenApiSchema EntityIds(string names) => new()
    {
        Type = JsonSchemaType.Array,
        Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        Description = $"The ids of the entities the case's {names} are linked to, ordered by id; empty when none is linked.",
    };

    /// <summary>GET /cases in the contract: a page of CaseFields, since fields= decides which members each case carries.</summary>
    internal static Task DescribeListAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.TryGetValue("CasePage", out var page) == true && page is OpenApiSchema { Properties: { } members }
            && members.TryGetValue("items", out var items) && items is OpenApiSchema list)
        {
            list.Items = FieldsSchema(document);
        }
        return Task.CompletedTask;
    }

    /// <summary>Refuses a fields= list naming anything but the given columns, naming each unknown one.</summary>
    public static IRuleBuilderOptions<T, string?> FieldList<T>(this IRuleBuilder<T, string?> rule, string name, IReadOnlyList<string> allowed) =>
        rule.EachOneOf(name, allowed, Names,
            unknown => $"Unknown field '{unknown}' in fields; use a comma-separated list of {string.Join(", ", allowed)}.");

    private static ExportKind KindOf(CaseFieldKind kind) => kind switch
    {
        CaseFieldKind.List => ExportKind.List,
        CaseFieldKind.Date => ExportKind.PartialDate,
        CaseFieldKind.Integer => ExportKind.Integer,
        CaseFieldKind.Number => ExportKind.Number,
        // Text, lists of objects (sources, list evidence: a JSON array) and any kind the map gains later: written as its
        // CSV cell, so nothing is ever left out.
        _ => ExportKind.Text,
    };
}
