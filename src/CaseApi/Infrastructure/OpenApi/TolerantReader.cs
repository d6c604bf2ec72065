using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// The compatibility rule of the published contract (docs/reference/compatibility.md): a response may gain members in
/// any release, so response schemas do not forbid undeclared members, and a client must ignore members it does not
/// know (the tolerant reader). Request schemas stay closed, as the service is: it refuses members it does not know.
/// A schema that is part of both a request and a response (a case's source) stays closed. CI validates the service's
/// answers against a strict copy of the document (every object closed), so an undeclared member still fails the gate.
/// </summary>
internal static class TolerantReader
{
    public static void OpenResponseSchemas(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        var requests = new HashSet<string>(StringComparer.Ordinal);
        var bodies = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.RequestBody?.Content?.Values ?? []).Select(m => m.Schema);
        foreach (var body in bodies) Collect(body, schemas, requests);

        foreach (var (name, schema) in schemas)
        {
            if (!requests.Contains(name)) Open(schema);
        }
    }

    /// <summary>Every component schema a request body reaches, through references, members, items and compositions.</summary>
    private static void Collect(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> found)
    {
        if (schema is OpenApiSchemaReference { Reference.Id: { } id })
        {
            if (found.Add(id) && schemas.TryGetValue(id, out var target)) Collect(target, schemas, found);
            return;
        }
        foreach (var part in Parts(schema)) Collect(part, schemas, found);
    }

    /// <summary>Opens an object schema and the inline object schemas inside it (referenced ones are opened by name).</summary>
    private static void Open(IOpenApiSchema? schema)
    {
        if (schema is not OpenApiSchema inline) return;
        if (inline.AdditionalPropertiesAllowed is false) inline.AdditionalPropertiesAllowed = true;
        foreach (var part in Parts(inline)) Open(part);
    }

    private static IEnumerable<IOpenApiSchema> Parts(IOpenApiSchema? schema) =>
        schema is null
            ? []
            : (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? [])
                .Concat(new[] { schema.Items, schema.AdditionalProperties }.OfType<IOpenApiSchema>());
}
