using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace CaseApi.Tests.Properties;

/// <summary>
/// Requests generated from the contract: every operation, each parameter with valid values (the contract's examples,
/// codes of the sample data) and invalid ones (wrong types, odd encodings, huge values), the conditional and media-type
/// headers, and bodies from the contract's examples, mutated at the JSON and the byte level.
/// </summary>
public static class RequestGenerators
{
    /// <summary>Stands for the id of a case the sequence created first; replaced when the request is sent.</summary>
    public const string SeededId = "@seeded-id";

    private static readonly string[] Words =
    [
        "aerospace", "semiconductors", "mss", "soe", "mic2025", "space2050", "news-media", "doj-press-releases", "csis-survey",
        "kevin-mallory", "fuzz-one", "fuzz-two", "export", "csv", "ndjson", "json", "xlsx", "none", "exact", "estimate",
        "-count", "count", "year", "sector", "sector,year", "sponsor", "-chargedOn", "title", "createdAt", "updatedAt",
        "charged", "resolved", "activityStart", "case", "update", "create", "delete", "sentenceMonths.avg", "lossUsd.sum",
        "upsert", "insert", "replace", "reader", "editor", "admin", "convicted", "CA", "economic-espionage", "talent-program",
    ];

    private static readonly string[] Nasty =
    [
        "", " ", "%00", "%0d%0a", "%ZZ", "%", "%25", "%E2%80%AE", "%FF%FE", "%F0%9F%92%A5", "'%3B%20DROP%20TABLE%20cases%3B--",
        "%22", "%5C", "..", "null", "[]", "%7B%7D", "*", "-", ",", ",,,", "a,b,c", "9223372036854775808", "-2147483649",
        "1e309", "NaN", "-0", "1.5", "2019-01-01", "0x10", new string('x', 5000), "eyJhIjoxfQ.AAAA", "a.b", "YTk5OTk5OTk5OTk5OTk5OTk5OTk5",
        "OTk5OTk5OTk5OTk5OTk5OTk5OV8wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA",
    ];

    private static readonly string[] OddSegments =
    [
        "%2e%2e", "%00", "%20", "a%2Fb", "%25", "%E2%80%AE", "%FF%FE", "null", "-1", "0", "00000000-0000-0000-0000-000000000000",
        "%7Bid%7D", "%0d%0a", "EXPORT", "Fuzz-One", "fuzz-one%20", new string('a', 3000), "%C0%AF",
    ];

    private static readonly string?[] EntityTags = [null, null, "*", "\"1\"", "W/\"1\"", "\"\"", "garbage", "\"a\", \"b\"", "*, \"1\"", "\"", new string('9', 400)];

    private static readonly string?[] IdempotencyKeys = [null, null, "fuzz-key-1", "", " ", new string('k', 500), "key with spaces", "%00"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/merge-patch+json", "text/csv", "application/x-ndjson", "text/plain", "application/xml",
        "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "garbage", "text/csv; charset=latin1",
    ];

    private static readonly Gen<string> Word = Gen.OneOf(Words);

    private static readonly Gen<string> Invalid = Gen.OneOf(Nasty);

    public static Gen<FuzzRequest> Request { get; } = Gen.OneOf(ContractOperation.All.ToArray()).SelectMany(For);

    public static Gen<List<FuzzRequest>> Sequence { get; } = Request.List[1, 12];

    private static Gen<FuzzRequest> For(ContractOperation operation) =>
        from path in PathOf(operation)
        from query in QueryOf(operation)
        from headers in HeadersOf(operation)
        from body in BodyOf(operation)
        from authenticated in Gen.Frequency((19, Gen.Const(true)), (1, Gen.Const(false)))
        select new FuzzRequest(operation, path, query, headers, body.Bytes, body.ContentType, authenticated);

    private static Gen<string> PathOf(ContractOperation operation)
    {
        var gen = Gen.Const(operation.Path);
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            var value = Gen.Frequency(
                (4, Gen.OneOf([SeededId, "fuzz-one", "fuzz-two", .. parameter.Examples.Select(Uri.EscapeDataString)])),
                (2, Word), (1, Gen.Guid.Select(g => g.ToString())), (3, Gen.OneOf(OddSegments)));
            gen = gen.SelectMany(path => value.Select(v => path.Replace($"{{{parameter.Name}}}", v, StringComparison.Ordinal)));
        }
        return gen;
    }

    private static Gen<string> QueryOf(ContractOperation operation)
    {
        var parts = operation.Parameters.Where(p => p.In == "query")
            .Select(p => Gen.Frequency((3, Gen.Const(new List<string>())), (2, ValuesOf(p).Select(vs => vs.Select(v => $"{p.Name}={v}").ToList()))))
            .Append(Gen.Frequency((15, Gen.Const(new List<string>())), (1, Gen.Const(new List<string> { "bogus=1" }))))
            .ToArray();
        return Gen.Select(parts.Aggregate(Gen.Const(new List<string>()), (all, next) => all.Select(next, (a, n) => a.Concat(n).ToList())),
            list => string.Join('&', list));
    }

    /// <summary>Values already percent-encoded: the valid ones escaped, the invalid ones raw (odd encodings included).</summary>
    private static Gen<List<string>> ValuesOf(ContractParameter parameter)
    {
        var valid = (parameter.ItemType ?? parameter.Type) switch
        {
            "integer" => Gen.Frequency((3, Gen.Int[-5, 3000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Word)),
            "boolean" => Gen.OneOf("true", "false", "TRUE", "1", "yes"),
            _ => parameter.Examples.Count > 0 ? Gen.Frequency((2, Gen.OneOf([.. parameter.Examples])), (3, Word)) : Word,
        };
        var one = Gen.Frequency((4, valid.Select(Uri.EscapeDataString)), (1, Invalid));
        return parameter.Type == "array" ? one.List[1, 3] : one.Select(v => new List<string> { v });
    }

    private static Gen<IReadOnlyList<(string, string)>> HeadersOf(ContractOperation operation)
    {
        var conditional = operation.Method is "GET" ? "If-None-Match" : "If-Match";
        return from tag in Gen.OneOf(EntityTags)
               from key in operation.Parameters.Any(p => p.Name == "Idempotency-Key") ? Gen.OneOf(IdempotencyKeys) : Gen.Const((string?)null)
               select (IReadOnlyList<(string, string)>)[.. new[] { (conditional, tag), ("Idempotency-Key", key) }.Where(h => h.Item2 is not null).Select(h => (h.Item1, h.Item2!))];
    }

    private static Gen<(byte[]? Bytes, string? ContentType)> BodyOf(ContractOperation operation)
    {
        if (operation.Method is "GET" or "DELETE") return Gen.Const<(byte[]?, string?)>((null, null));
        var declared = operation.Bodies.Count > 0 ? operation.Bodies : [new ContractBody("application/json", "{}")];
        var contentType = Gen.Frequency((6, Gen.OneOf([.. declared.Select(b => b.MediaType)])), (1, Gen.OneOf(ContentTypes)));
        var body = Gen.OneOf([.. declared]).SelectMany(b => Mutated(b.Example ?? "{}"));
        return Gen.Select(body, contentType, (b, c) => ((byte[]?)b, (string?)c));
    }

    private static Gen<byte[]> Mutated(string example)
    {
        var bytes = Encoding.UTF8.GetBytes(example);
        return Gen.Frequency(
            (4, Gen.Const(bytes)),
            (4, JsonMutation(example).Select(Encoding.UTF8.GetBytes)),
            (2, Gen.Int[0, Math.Max(0, bytes.Length - 1)].Select(n => bytes[..n])),
            (2, Gen.Int[0, bytes.Length].SelectMany(at => Gen.OneOf(Splices).Select(s => (byte[])[.. bytes[..at], .. s, .. bytes[at..]]))),
            (1, Gen.Byte.Array[0, 300]),
            (1, Gen.Const((byte[])[0xEF, 0xBB, 0xBF, .. bytes])),
            (1, Gen.Const(Encoding.Unicode.GetBytes(example))));
    }

    private static readonly byte[][] Splices =
    [
        "\""u8.ToArray(), "\0"u8.ToArray(), "\r"u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(), ","u8.ToArray(), "\\"u8.ToArray(),
        "{"u8.ToArray(), "]"u8.ToArray(), [0xFF, 0xFE], [0xC3], "\\u0000"u8.ToArray(), "\"\",\"\""u8.ToArray(),
        Encoding.UTF8.GetBytes(new string('z', 70_000)),
    ];

    private static readonly JsonNode?[] OddJson =
    [
        null, "", " ", "\u0000", 0, -1, 1.5, 1e300, long.MaxValue, true, new JsonArray(), new JsonObject(), new JsonArray("x", 1, null),
        new string('y', 20_000), "kevin-mallory", "2019-13-45", "not-a-code",
    ];

    private static Gen<string> JsonMutation(string example)
    {
        JsonNode? parsed;
        try { parsed = JsonNode.Parse(example); }
        catch (System.Text.Json.JsonException) { return Gen.Const(example); }
        if (parsed is not JsonObject and not JsonArray) return Gen.Const(example);
        return Gen.Int[0, 1000].SelectMany(pick => Gen.OneOf(OddJson).Select(odd => Mutate(parsed.DeepClone(), pick, odd?.DeepClone())))
            .SelectMany(json => Gen.Frequency((6, Gen.Const(json)), (1, Gen.Const($"{json[..^1]},\"slug\":\"dup\"{json[^1..]}")),
                (1, Gen.Const(new string('[', 2000) + new string(']', 2000)))));
    }

    /// <summary>Replaces, removes or adds one property (of the object or of the array's first object) with an odd value.</summary>
    private static string Mutate(JsonNode node, int pick, JsonNode? odd)
    {
        var target = node as JsonObject ?? (node.AsArray().FirstOrDefault() as JsonObject);
        if (target is null || target.Count == 0) return node.ToJsonString();
        var name = target.ElementAt(pick % target.Count).Key;
        switch (pick % 3)
        {
            case 0: target[name] = odd; break;
            case 1: target.Remove(name); break;
            default: target[$"unknown{pick}"] = odd; break;
        }
        return node.ToJsonString();
    }
}
