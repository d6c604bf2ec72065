using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CaseApi.Infrastructure.Json;

/// <summary>The one set of JSON rules for every body the API reads or writes, imports included.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        // A misspelt or read-only property must be an error, not silently dropped.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        // "240" is not a number: wrong types are 400s, not coerced.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.PropertyNameCaseInsensitive = false;
        options.MaxDepth = 32;
        // The hottest responses serialize from compile-time metadata; every other type still resolves by reflection.
        options.TypeInfoResolver =
            JsonTypeInfoResolver.Combine(ApiJsonContext.Default, options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
    }

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    /// <summary>
    /// The field a JSON failure is about and a message a client can act on: shared by body binding (400 problems) and
    /// bulk import (row errors), so both say the same thing about the same mistake.
    /// </summary>
    public static (string Field, string Message) Describe(JsonException json)
    {
        var field = FieldPath(json.Path);
        var message = json.Message switch
        {
            var m when m.Contains("could not be mapped", StringComparison.Ordinal) =>
                $"'{field}' is not a property of this resource (unknown or read-only).",
            var m when m.Contains("could not be converted", StringComparison.Ordinal) =>
                $"'{field}' has a value of the wrong JSON type for this field.",
            var m when m.Contains(" Path: ", StringComparison.Ordinal) => m[..m.IndexOf(" Path: ", StringComparison.Ordinal)],
            var m => m,
        };
        return (field, message);
    }

    /// <summary>Turns "$.sources[0].url" into the field path clients see in validation errors: "sources[0].url".</summary>
    public static string FieldPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$"
        : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
        : jsonPath.TrimStart('$');
}
