using System.Text;

namespace CaseApi.Tests.Properties;

/// <summary>A generated request: the path and query are already percent-encoded (odd encodings are the point).</summary>
public sealed record FuzzRequest(ContractOperation Operation, string Path, string Query, IReadOnlyList<(string Name, string Value)> Headers,
    byte[]? Body, string? ContentType, bool Authenticated)
{
    public string Target => Query.Length == 0 ? Path : $"{Path}?{Query}";

    public override string ToString()
    {
        var text = new StringBuilder($"{Operation.Method} {Target}");
        foreach (var (name, value) in Headers) text.Append($"\n  {name}: {value}");
        if (ContentType is not null) text.Append($"\n  Content-Type: {ContentType}");
        if (!Authenticated) text.Append("\n  (no API key)");
        if (Body is not null) text.Append($"\n  body ({Body.Length} bytes): {Encoding.UTF8.GetString(Body[..Math.Min(Body.Length, 300)])}");
        return text.ToString();
    }
}
