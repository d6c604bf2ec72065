using System.Text.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Json.Schema;

namespace CaseApi.Tests.Interop;

/// <summary>
/// The OASIS STIX 2.1 JSON schemas vendored under stix2-json-schemas/ (README there names the pinned commit), each
/// registered by its <c>$id</c> in a registry of our own, so their absolute <c>$ref</c>s resolve here and nothing is fetched.
/// </summary>
public static class StixSchemas
{
    private const string Folder = "tests/CaseApi.Tests/Interop/stix2-json-schemas/schemas";

    private static readonly Lazy<Dictionary<string, JsonSchema>> ByType = new(Load);

    /// <summary>The schema errors of one STIX object against its type's schema, as "path: message" lines (none when valid).</summary>
    public static IReadOnlyList<string> Errors(JsonNode stixObject)
    {
        var type = stixObject["type"]?.GetValue<string>() ?? "(no type)";
        if (!ByType.Value.TryGetValue(type, out var schema)) return [$"{stixObject["id"]}: no vendored schema for type '{type}'"];
        using var document = JsonDocument.Parse(stixObject.ToJsonString());
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{stixObject["id"]} {d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
                .DefaultIfEmpty($"{stixObject["id"]}: invalid")];
    }

    private static Dictionary<string, JsonSchema> Load()
    {
        // A registry of our own, whose Fetch is left unset: a $ref that is not registered fails instead of going to the network.
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        var pending = Directory.EnumerateFiles(RepositoryFiles.PathOf(Folder), "*.json", SearchOption.AllDirectories)
            .ToDictionary(p => p, File.ReadAllText);
        var built = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        // A schema builds once the schemas it refers to are registered: build in rounds until every one has.
        while (pending.Count > 0)
        {
            var progress = false;
            foreach (var (path, text) in pending.ToList())
            {
                try
                {
                    var schema = JsonSchema.FromText(text, options);
                    if (registry.Get(schema.BaseUri) is null) registry.Register(schema);
                    built[Path.GetFileNameWithoutExtension(path)] = schema;
                    pending.Remove(path);
                    progress = true;
                }
                catch (Exception e) when (e is JsonSchemaException or RefResolutionException or InvalidOperationException)
                {
                    // Refers to a schema not registered yet: the next round.
                }
            }
            if (!progress) throw new InvalidOperationException($"These schemas do not build: {string.Join(", ", pending.Keys)}");
        }
        return built;
    }
}
