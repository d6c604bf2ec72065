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
    private static readonly ConcurrentDictionary<string, (string Source, string[] Required, string Description,
        IReadOnlyDictionary<string, IOpenApiSchema>? Added)> Declared = new();

    /// <summary>
    /// A reference to <paramref name="name"/>: the members of <paramref name="source"/>, only <paramref name="required"/> required,
    /// plus the members <paramref name="added"/> names (an export's columns that are not the resource's own).
    /// </summary>
    public static OpenApiSchemaReference Reference(OpenApiDocument document, string name, string source, string[] required,
        string description, IReadOnlyDictionary<string, IOpenApiSchema>? added = null)
    {
        Declared[name] = (source, required, description, added);
        return new OpenApiSchemaReference(name, document);
    }

    public static void AddComponents(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        foreach (var (name, (source, required, description, added)) in Declared)
        {
            if (!schemas.TryGetValue(source, out var full) || full is not OpenApiSchema concrete) continue;
            var partial = concrete.CreateShallowCopy();
            if (partial is not OpenApiSchema copy) continue;
            copy.Required = new HashSet<string>(required, StringComparer.Ordinal);
            copy.Description = description;
            // A member dictionary of its own: the shallow copy shares the source's, which must not gain the added members.
            if (added is not null)
            {
                copy.Properties = new Dictionary<string, IOpenApiSchema>([.. copy.Properties ?? new Dictionary<string, IOpenApiSchema>(), .. added]);
            }
            schemas[name] = copy;
        }
    }
}
