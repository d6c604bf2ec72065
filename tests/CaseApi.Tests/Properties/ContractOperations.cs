using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Properties;

public sealed record ContractParameter(string Name, string In, string Type, string? ItemType, bool Required, IReadOnlyList<string> Examples);

public sealed record ContractBody(string MediaType, string? Example);

/// <summary>One operation of the published contract: what a generated request may vary.</summary>
public sealed record ContractOperation(string Method, string Path, IReadOnlyList<ContractParameter> Parameters, IReadOnlyList<ContractBody> Bodies,
    IReadOnlySet<int> JsonErrorStatuses)
{
    public override string ToString() => $"{Method} {Path}";

    /// <summary>Every operation of the committed src/CaseApi/openapi/v1.json, so a new operation is fuzzed without a new test.</summary>
    public static IReadOnlyList<ContractOperation> All { get; } = Read(JsonNode.Parse(RepositoryFiles.Read("src/CaseApi/openapi/v1.json"))!);

    private static List<ContractOperation> Read(JsonNode document) =>
    [
        .. from path in document["paths"]!.AsObject()
           from operation in path.Value!.AsObject()
           select new ContractOperation(operation.Key.ToUpperInvariant(), path.Key,
               [.. (operation.Value!["parameters"]?.AsArray() ?? []).Select(p => Parameter(p!))],
               [.. (operation.Value!["requestBody"]?["content"]?.AsObject() ?? []).Select(c => Body(c.Key, c.Value!, document))],
               // A 4xx the contract documents with a resource body (an import's rejection report) rather than a problem.
               (operation.Value!["responses"]?.AsObject() ?? []).Where(r => r.Key.StartsWith('4') && r.Value?["content"]?["application/json"] is not null)
                   .Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet()),
    ];

    private static ContractParameter Parameter(JsonNode p)
    {
        var schema = p["schema"];
        var type = TypeOf(schema);
        return new ContractParameter((string)p["name"]!, (string)p["in"]!, type, type == "array" ? TypeOf(schema?["items"]) : null,
            (bool?)p["required"] ?? false, Examples(p["example"]));
    }

    private static ContractBody Body(string mediaType, JsonNode content, JsonNode document)
    {
        var example = content["example"];
        if (example is null && content["schema"]?["$ref"] is { } reference)
        {
            // No example: an empty object of the schema still reaches the validator.
            example = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]] is not null ? new JsonObject() : null;
        }
        return new ContractBody(mediaType, example switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            _ => example.ToJsonString(),
        });
    }

    private static string TypeOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonArray types => types.Select(t => (string?)t).First(t => t != "null")!,
        JsonValue type => (string)type!,
        _ => "string",
    };

    private static List<string> Examples(JsonNode? example) => example switch
    {
        null => [],
        JsonArray values => [.. values.Select(v => v?.ToString() ?? "")],
        _ => [example.ToString()],
    };
}
