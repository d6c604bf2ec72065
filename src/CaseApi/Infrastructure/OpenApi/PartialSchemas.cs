using System.Collections.Concurrent;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// Schemas that are another schema's members with fewer of them required: an import record (an upsert names only the
/// fields it changes) is a case request in which only the slug is required. An operation asks for one with
/// <see cref="Reference"/>; the document transformer copies the source component once every operation has been
/// described (<see cref="AddComponents"/>), so the copy follows the source's members, descriptions and rules.
/// </summary>
internal static class PartialSchemas
{
    private static readonly ConcurrentDictionary<string, (string Source, string[] Required, string Description)> Declared = new();

    /// <summary>
    /// A reference to <paramref name="name"/>: the members of <paramref name="source"/>, only <paramref name="required"/> required.
    /// </summary>
    public static OpenApiSchemaReference Reference(
        OpenApiDocument document, string name, string source, string[] required, string description)
    {
        Declared[name] = (source, required, description);
        return new OpenApiSchemaReference(name, document);
    }

    public static void AddComponents(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        foreach (var (name, (source, required, description)) in Declared)
        {
            if (!schemas.TryGetValue(source, out var full) || full is not OpenApiSchema concrete) continue;
            var partial = concrete.CreateShallowCopy();
            if (partial is not OpenApiSchema copy) continue;
            copy.Required = new HashSet<string>(required, StringComparer.Ordinal);
            copy.Description = description;
            schemas[name] = copy;
        }
    }
}
