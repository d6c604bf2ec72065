using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseApi.Infrastructure.Json;

/// <summary>The one set of JSON rules for every body the API reads or writes, imports included.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        // A misspelt or read-only property must be an error, not silently dropped (DESIGN §2).
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        // "240" is not a number: wrong types are 400s, not coerced.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.PropertyNameCaseInsensitive = false;
        options.MaxDepth = 32;
    }

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    /// <summary>Turns "$.sources[0].url" into the field path clients see in validation errors: "sources[0].url".</summary>
    public static string FieldPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
