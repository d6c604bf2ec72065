using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// The &lt;summary&gt; and &lt;remarks&gt; of endpoint handlers, read from the assembly's XML documentation file.
/// .NET 10's XML-comment source generator skips private handlers (the house style), but the compiler writes every
/// documented member to CaseApi.xml, so the contract reads them from there.
/// </summary>
internal static partial class HandlerDocs
{
    private static readonly Lazy<Dictionary<string, (string? Summary, string? Remarks)>> Members = new(Load);

    public static (string? Summary, string? Remarks) For(MethodInfo handler) =>
        Members.Value.TryGetValue($"M:{handler.DeclaringType?.FullName}.{handler.Name}", out var docs) ? docs : default;

    private static Dictionary<string, (string?, string?)> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, $"{typeof(HandlerDocs).Assembly.GetName().Name}.xml");
        if (!File.Exists(path)) return [];
        var members = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            if ((string?)member.Attribute("name") is not { } name || !name.StartsWith("M:", StringComparison.Ordinal)) continue;
            // Handlers are unique by name within their class, so the parameter list is not needed to find one.
            var key = name.Split('(')[0];
            members.TryAdd(key, (Text(member.Element("summary")), Text(member.Element("remarks"))));
        }
        return members;
    }

    private static string? Text(XElement? element)
    {
        if (element is null) return null;
        // <see cref="T:X.Y"/> reads as Y; line breaks from the source are not meant as paragraph breaks.
        var text = string.Concat(element.Nodes()
            .Select(n => n is XElement e ? ((string?)e.Attribute("cref"))?.Split('.')[^1] ?? e.Value : n.ToString()));
        return Whitespace().Replace(System.Net.WebUtility.HtmlDecode(text), " ").Trim() is { Length: > 0 } clean ? clean : null;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
