using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CaseApi.Tests.Examples;

public sealed record HttpFileRequest(string? Name, string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string? Body);

/// <summary>
/// The REST Client (.http) format as far as examples/caseapi.http uses it: <c>@name = value</c> file variables,
/// requests separated by <c>###</c>, <c># @name x</c> to name a request, and <c>{{x.response.headers.H}}</c> /
/// <c>{{x.response.body.$.field}}</c> references to an earlier named request's response.
/// </summary>
public static partial class HttpFile
{
    public static (Dictionary<string, string> Variables, List<HttpFileRequest> Requests) Parse(string text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var requests = new List<HttpFileRequest>();
        foreach (var block in Regex.Split(text.ReplaceLineEndings("\n"), "^###.*$", RegexOptions.Multiline))
        {
            string? name = null, method = null, url = null;
            var headers = new List<(string, string)>();
            var lines = block.Split('\n');
            var i = 0;
            for (; i < lines.Length && method is null; i++)
            {
                var line = lines[i].Trim();
                if (NameLine().Match(line) is { Success: true } named) name = named.Groups[1].Value;
                else if (VariableLine().Match(line) is { Success: true } variable) variables[variable.Groups[1].Value] = variable.Groups[2].Value.Trim();
                else if (RequestLine().Match(line) is { Success: true } request) (method, url) = (request.Groups[1].Value, request.Groups[2].Value);
            }
            if (method is null) continue;
            for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
            }
            var body = string.Join('\n', lines.Skip(i)).Trim();
            requests.Add(new HttpFileRequest(name, method, url!, headers, body.Length == 0 ? null : body + "\n"));
        }
        return (variables, requests);
    }

    /// <summary>Replaces {{variable}} and {{request.response…}} references; an unresolvable one is an error in the file.</summary>
    public static string Resolve(string text, IReadOnlyDictionary<string, string> variables, IReadOnlyDictionary<string, HttpResponseMessage> responses,
        IReadOnlyDictionary<string, string> bodies) =>
        Reference().Replace(text, m =>
        {
            var reference = m.Groups[1].Value.Trim();
            if (variables.TryGetValue(reference, out var value)) return value;
            // The REST clients' dynamic variable: seconds since the epoch, for a name each run of the file has afresh.
            if (reference == "$timestamp") return DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var parts = reference.Split('.', 4);
            if (parts is [var request, "response", "headers", var header] && responses.TryGetValue(request, out var response))
            {
                return response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values)
                    ? string.Join(", ", values)
                    : throw new InvalidOperationException($"{request} has no {header} header.");
            }
            if (parts is [var source, "response", "body", var path] && bodies.TryGetValue(source, out var body) && path.StartsWith("$.", StringComparison.Ordinal))
            {
                var node = path[2..].Split('.').Aggregate(JsonNode.Parse(body), (n, field) => n?[field]);
                return node?.ToString() ?? throw new InvalidOperationException($"{source}'s body has no {path}.");
            }
            throw new InvalidOperationException($"Unresolved reference {{{{{reference}}}}}.");
        });

    [GeneratedRegex(@"^(?:#|//)\s*@name\s+(\S+)$")]
    private static partial Regex NameLine();

    [GeneratedRegex(@"^@([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP/[\d.]+)?$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\{\{(.+?)\}\}")]
    private static partial Regex Reference();
}
