using System.ComponentModel;
using CaseApi.Infrastructure.Validation;
using CaseApi.Interop.Stix;
using FluentValidation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseApi.Cases;

/// <summary>The format and columns of GET /cases/export; the filters are the case list's.</summary>
/// <param name="Format">csv (default): the import columns plus id and derived fields; ndjson: one case object a line; json: one array;
/// xlsx: one sheet of typed cells under a frozen header; parquet: typed columns (dates with their precision, lists as lists); stix: one
/// STIX 2.1 bundle (application/stix+json;version=2.1, docs/guides/stix.md). Any letter
/// case. Without it, Accept chooses (text/csv, application/x-ndjson, application/json and the xlsx and Parquet media types; none, or
/// */*, is CSV; any other is 406).</param>
/// <param name="Fields">Comma-separated columns to export, in that order (JSON keeps its own property order), e.g. id,slug,chargedOn; all
/// when absent. Names as in the CSV header, any letter case.</param>
public sealed record CaseExportQuery([property: DefaultValue("csv")] string? Format, string? Fields)
{
    /// <summary>Each format's media type and file extension; the key set is also the whitelist.</summary>
    public static readonly IReadOnlyDictionary<string, (string ContentType, string Extension)> Formats =
        new Dictionary<string, (string ContentType, string Extension)>(StringComparer.OrdinalIgnoreCase)
        {
            ["csv"] = ("text/csv; charset=utf-8", "csv"),
            ["ndjson"] = ("application/x-ndjson", "ndjson"),
            ["json"] = ("application/json", "json"),
            ["xlsx"] = (Spreadsheet.MediaType, "xlsx"),
            ["parquet"] = (CaseParquetWriter.MediaType, "parquet"),
            // A STIX 2.1 bundle (Interop/Stix): the cases as threat intelligence, for OpenCTI, MISP and other STIX tools.
            ["stix"] = (StixExport.MediaType, "json"),
        };

    /// <summary>What the export offers to content negotiation: each format and its media type, the default (CSV) first.</summary>
    /// <remarks>A charset is no part of the offer; STIX's version parameter is (application/stix+json;version=2.1).</remarks>
    public static IReadOnlyList<(string Format, string MediaType)> Offers { get; } =
        [.. Formats.Select(f => (f.Key, f.Value.ContentType.Replace("; charset=utf-8", "", StringComparison.Ordinal)))];

    /// <summary>The export's 200 in the contract: one media type per format; the JSON export is an array, the others a file.</summary>
    internal static Task DescribeResponseAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            // The STIX bundle is described in docs/guides/stix.md, not here: a second JSON schema beside the JSON export's array
            // would make typed clients (Kiota) warn of divergent success schemas, and its shape is OASIS's, not ours.
            response.Description = "The matching cases as a file in the requested format (format=stix: a STIX 2.1 bundle, "
                + "application/stix+json;version=2.1, described in docs/guides/stix.md).";
            response.Content = Formats.Values.Where(f => f.ContentType != StixExport.MediaType)
                .ToDictionary(f => f.ContentType.Split(';')[0], f => new OpenApiMediaType
            {
                // fields= picks the members, so an item declares none as required: a typed client sees absent members as absent.
                Schema = f.ContentType == "application/json"
                    ? new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Items = CaseExportColumns.ExportedSchema(context.Document!),
                    }
                    : new OpenApiSchema { Type = JsonSchemaType.String, Format = f.Extension is "xlsx" or "parquet" ? "binary" : null },
            });
        }
        return Task.CompletedTask;
    }
}

public sealed class CaseExportQueryValidator : AbstractValidator<CaseExportQuery>
{
    public CaseExportQueryValidator()
    {
        RuleFor(q => q.Format).OneOf(CaseExportQuery.Formats.Keys, StringComparer.OrdinalIgnoreCase)
            .WithMessage($"'{{PropertyValue}}' is not an export format; use {string.Join(", ", CaseExportQuery.Formats.Keys)}.");
        RuleFor(q => q.Fields).FieldList("CaseExportField", CaseExportColumns.ExportNames);
        RuleFor(q => q.Fields).Empty().When(q => string.Equals(q.Format, "stix", StringComparison.OrdinalIgnoreCase))
            .WithMessage("fields= selects columns, and a STIX bundle has none: leave it out with format=stix.");
    }
}
