using System.Text.Json;
using System.Text.RegularExpressions;

namespace CaseApi.Infrastructure.Errors;

/// <summary>
/// Minimal APIs report a query, route or header value that does not convert to its parameter's type as a
/// BadHttpRequestException whose message names C# types ("Failed to bind parameter "Nullable&lt;int&gt; From""). This
/// turns it into the field error of a validation problem, keyed by the parameter name clients send.
/// </summary>
public static partial class BindingFailures
{
    public static (string Parameter, string Message)? Describe(string message)
    {
        if (FailedToBind().Match(message) is { Success: true } failed)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(failed.Groups["name"].Value);
            return (name, $"'{failed.Groups["value"].Value}' is not {Expected(failed.Groups["type"].Value)}.");
        }
        if (Missing().Match(message) is { Success: true } missing)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(missing.Groups["name"].Value);
            return (name, $"'{name}' is required.");
        }
        return null;
    }

    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "int" or "long" or "short" or "Int32" or "Int64" => "a whole number",
        "decimal" or "double" or "float" => "a number",
        "bool" or "Boolean" => "true or false",
        "Guid" => "a UUID",
        "DateOnly" => "a date (YYYY-MM-DD)",
        "DateTimeOffset" or "DateTime" => "a date-time (RFC 3339, e.g. 2026-01-31T00:00:00Z)",
        _ => "a valid value for this parameter",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[A-Za-z0-9_]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>.+) (?<name>[A-Za-z0-9_]+)" was not provided""", RegexOptions.Singleline)]
    private static partial Regex Missing();
}
