using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseApi.Cases;
using CaseApi.History;
using CaseApi.Infrastructure.Http;
using CaseApi.Store;
using CsvHelper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Parquet;
using Parquet.Schema;

namespace CaseApi.Entities;

/// <summary>The format and read point of GET /entities/export.</summary>
/// <param name="Format">csv (default): one row per entity, lists joined with ';' and identifiers as a JSON object; ndjson: one entity
/// object a line, as GET /entities/{id} answers; parquet: typed columns (lists as lists, timestamps as UTC timestamps), the entity
/// table beside the case export's entity id columns (defendantEntityIds, victimEntityIds, …).</param>
/// <param name="AsOf">Export the entities as they were at this history position or RFC 3339 time.</param>
/// <param name="Release">Export the entities as they were when this named release was taken.</param>
public sealed record EntityExportQuery([property: DefaultValue("csv")] string? Format, string? AsOf = null, string? Release = null)
{
    public static readonly IReadOnlyDictionary<string, string> Formats = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["csv"] = "text/csv; charset=utf-8", ["ndjson"] = "application/x-ndjson", ["parquet"] = CaseParquetWriter.MediaType,
    };
}

public sealed class EntityExportQueryValidator : AbstractValidator<EntityExportQuery>
{
    public EntityExportQueryValidator()
    {
        RuleFor(q => q.Format).Must(f => f is null || EntityExportQuery.Formats.ContainsKey(f))
            .WithMessage($"'{{PropertyValue}}' is not an entity export format; use {string.Join(", ", EntityExportQuery.Formats.Keys)}.");
        this.AsOfRules(q => q.AsOf, q => q.Release);
    }
}

/// <summary>
/// Every entity, merged ones included (their mergedInto names the survivor, so ids in older files still resolve), streamed by
/// name in CSV, NDJSON or Parquet: the entity table a notebook joins with the case export's entity id columns (defendantEntityIds, …).
/// </summary>
internal static class EntityExport
{

    /// <summary>One column: its name, whether it is a list, and its value (a string, a list of strings, or a time).</summary>
    private sealed record Column(string Name, Func<EntityResponse, object?> Value, bool List = false);

    private static readonly Column[] Columns =
    [
        new("id", e => e.Id.ToString()), new("slug", e => e.Slug), new("kind", e => e.Kind), new("name", e => e.Name),
        new("aliases", e => e.Aliases, List: true), new("identifiers", e => JsonSerializer.Serialize(e.Identifiers)),
        new("country", e => e.Country), new("description", e => e.Description), new("sources", e => e.Sources, List: true),
        new("sponsor", e => e.Sponsor), new("mergedInto", e => e.MergedInto?.ToString()),
        new("createdAt", e => e.CreatedAt), new("updatedAt", e => e.UpdatedAt),
    ];

    public static RouteGroupBuilder MapEntityExport(this RouteGroupBuilder entities)
    {
        entities.MapGet("/export", ExportEntities).WithName(nameof(ExportEntities)).RequireRateLimiting(RateLimitPolicies.Bulk)
            .ReadsStore<EntityExportQuery>(StoreRead.Cases).Produces(StatusCodes.Status200OK).AddOpenApiOperationTransformer(DescribeResponseAsync);
        return entities;
    }

    /// <summary>The export's 200 in the contract: one media type per format, each a file.</summary>
    private static Task DescribeResponseAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Description = "Every entity as a file in the requested format.";
            response.Content = EntityExportQuery.Formats.ToDictionary(f => f.Value.Split(';')[0], f => new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = f.Key == "parquet" ? "binary" : null },
            });
        }
        return Task.CompletedTask;
    }

    /// <summary>Export every entity as CSV, NDJSON or Parquet, streamed.</summary>
    /// <remarks>
    /// Merged entities are included with mergedInto set. Ordered by name, then id. With asOf or release, the entities as they
    /// were then; the case export's entity id columns (defendantEntityIds, victimEntityIds, …) join to the id column.
    /// </remarks>
    private static PushStreamHttpResult ExportEntities(
        [AsParameters] EntityExportQuery query, StoreSnapshot snapshot, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var format = (query.Format ?? "csv").ToLowerInvariant();
        var rows = EntityReads.Rows(snapshot.Db, snapshot.View).OrderBy(e => e.Name).ThenBy(e => e.Id)
            .Select(EntityResponse.Projection).AsAsyncEnumerable();
        var name = snapshot.View.Position is { } position ? $"entities-as-of-{position}.{format}" : $"entities.{format}";
        return TypedResults.Stream(body => format switch
        {
            "ndjson" => WriteNdjsonAsync(body, rows, json.Value.SerializerOptions, ct),
            "parquet" => WriteParquetAsync(body, rows, ct),
            _ => WriteCsvAsync(body, rows, ct),
        }, EntityExportQuery.Formats[format], name);
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<EntityResponse> rows, CancellationToken ct)
    {
        await using var text = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 32 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in Columns) csv.WriteField(column.Name);
        await csv.NextRecordAsync();
        await foreach (var e in rows.WithCancellation(ct))
        {
            foreach (var column in Columns) csv.WriteField(CaseCsv.EscapeFormula(Cell(column.Value(e))));
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
        await text.FlushAsync(ct);
    }

    private static string? Cell(object? value) => value switch
    {
        IReadOnlyList<string> list => string.Join(CaseCsv.ListSeparator, list),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        _ => (string?)value,
    };

    private static async Task WriteNdjsonAsync(Stream body, IAsyncEnumerable<EntityResponse> rows, JsonSerializerOptions json, CancellationToken ct)
    {
        await foreach (var e in rows.WithCancellation(ct))
        {
            await JsonSerializer.SerializeAsync(body, e, json, ct);
            await body.WriteAsync("\n"u8.ToArray(), ct);
        }
    }

    /// <summary>Strings, lists of strings and UTC timestamps, in row groups drained to the response one at a time.</summary>
    private static async Task WriteParquetAsync(Stream body, IAsyncEnumerable<EntityResponse> rows, CancellationToken ct)
    {
        var fields = Columns.Select(c => c.List
            ? (Field)new ListField(c.Name, new DataField<string>("element", false))
            : c.Name.EndsWith("At", StringComparison.Ordinal)
                ? (Field)new DateTimeDataField(
                    c.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false)
                : new DataField<string>(c.Name)).ToArray();
        await ParquetLists.WriteFileAsync(body, new ParquetSchema(fields), rows,
            (writer, group, token) => WriteGroupAsync(writer, fields, group, token), ct);
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, Field[] fields, List<EntityResponse> group, CancellationToken ct)
    {
        using (var rows = writer.CreateRowGroup())
        {
            for (var i = 0; i < Columns.Length; i++)
            {
                var column = Columns[i];
                switch (fields[i])
                {
                    case ListField list:
                        await ParquetLists.WriteAsync(rows, (DataField)list.Item, group.Select(e => column.Value(e) as IReadOnlyList<string>), ct);
                        break;
                    case DateTimeDataField time:
                        await rows.WriteAsync<DateTime>(time, group.Select(e => ((DateTimeOffset)column.Value(e)!).UtcDateTime).ToArray(),
                            cancellationToken: ct);
                        break;
                    case DataField<string> text:
                        await rows.WriteAsync(text, group.ConvertAll(e => (string?)column.Value(e)));
                        break;
                }
            }
            rows.CompleteValidate();
        }
        group.Clear();
    }
}
