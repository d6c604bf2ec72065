using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// The names of the contract's schemas, which generated clients turn into type names: no .NET spelling leaks into
/// them. A page of a list is <c>CasePage</c>, not <c>PagedResponseOfCaseResponse</c>; System.Text.Json's own types
/// (any JSON value, any object) are inlined instead of becoming JsonNode/JsonObject classes that clash with
/// System.Text.Json in a C# client.
/// </summary>
internal static class SchemaNames
{
    private static readonly HashSet<Type> AnyJson = [typeof(JsonNode), typeof(JsonObject), typeof(JsonArray), typeof(JsonValue), typeof(JsonElement)];

    public static string? For(JsonTypeInfo type)
    {
        if (AnyJson.Contains(Nullable.GetUnderlyingType(type.Type) ?? type.Type)) return null;
        if (type.Type.IsGenericType && type.Type.GetGenericTypeDefinition() == typeof(Paging.PagedResponse<>))
        {
            var item = type.Type.GenericTypeArguments[0].Name;
            return $"{(item.EndsWith("Response", StringComparison.Ordinal) ? item[..^"Response".Length] : item)}Page";
        }
        return OpenApiOptions.CreateDefaultSchemaReferenceId(type);
    }
}
