using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace CaseApi.Tests.Deploy;

/// <summary>YAML documents as plain nodes with just enough navigation for the assertions above.</summary>
internal sealed class Yaml(object? value)
{
    private readonly object? value = value;
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static IEnumerable<Yaml> Load(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<Yaml>();
        while (parser.Accept<DocumentStart>(out _)) documents.Add(new Yaml(Deserializer.Deserialize<object>(parser)));
        return documents;
    }

    private Dictionary<object, object> Map =>
        value as Dictionary<object, object> ?? throw new Xunit.Sdk.XunitException($"Expected a mapping, found {value ?? "nothing"}.");

    public IEnumerable<string> Keys => Map.Keys.Select(k => k.ToString()!);

    public bool Has(string key) => value is Dictionary<object, object> map && map.ContainsKey(key);

    public Yaml At(params string[] path) => path.Aggregate(this, (node, key) =>
        node.Has(key) ? new Yaml(node.Map[key]) : throw new Xunit.Sdk.XunitException($"Missing '{key}' in {string.Join('.', path)}."));

    public string Text(string key) => At(key).value?.ToString() ?? "";

    public IEnumerable<Yaml> Items(string key) => (At(key).value as List<object> ?? []).Select(item => new Yaml(item));

    /// <summary>A list of scalars; a single scalar reads as a one-item list (compose allows both for command and test).</summary>
    public List<string> List(string key) => At(key).value switch
    {
        List<object> items => [.. items.Select(i => i.ToString()!)],
        { } scalar => [scalar.ToString()!],
        null => [],
    };
}
