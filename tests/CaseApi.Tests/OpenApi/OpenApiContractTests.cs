using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.OpenApi;

/// <summary>The published contract: the committed src/CaseApi/openapi/v1.json is exactly what the service serves, and it is complete.</summary>
public sealed class OpenApiContractTests(CaseApiFactory api) : ApiTest(api)
{
    public const string ContractPath = "src/CaseApi/openapi/v1.json";
    private const string Regenerate = "Regenerate it with `dotnet build src/CaseApi` (Debug builds write " + ContractPath + ") and commit it.";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_served_document_equals_the_committed_contract()
    {
        var committed = JsonNode.Parse(RepositoryFiles.Read(ContractPath));

        var served = await Client.GetFromJsonAsync<JsonNode>("/openapi/v1.json", Ct);

        Assert.True(JsonNode.DeepEquals(committed, served),
            $"The served OpenAPI document differs from the committed {ContractPath}. {Regenerate}\n" + FirstDifference(committed, served, "$"));
    }

    [Fact]
    public async Task Every_routed_endpoint_is_in_the_contract()
    {
        var document = await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct);
        var documented = Operations(document!).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToHashSet();

        var routed = Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Template(e.RoutePattern)}"))
            .ToList();

        Assert.NotEmpty(routed);
        Assert.All(routed, endpoint => Assert.True(documented.Contains(endpoint), $"{endpoint} is routed but not in the contract. {Regenerate}"));
    }

    [Fact]
    public async Task Every_operation_has_an_id_summary_description_tag_and_its_problem_responses()
    {
        var document = await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct);

        var operations = Operations(document!).ToList();
        Assert.NotEmpty(operations);
        Assert.Equal(operations.Count, operations.Select(o => (string?)o.Operation["operationId"]).Distinct().Count());
        foreach (var (method, path, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            foreach (var field in new[] { "operationId", "summary", "description" })
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)operation[field]), $"{name} has no {field}.");
            }
            Assert.True(operation["tags"]?.AsArray().Count > 0, $"{name} has no tag.");
            var responses = operation["responses"]!.AsObject();
            // Every endpoint names a role, has a per-key rate limit and needs the database: 401, 429 and 503 everywhere.
            foreach (var status in new[] { "401", "429", "503" }) Assert.True(responses.ContainsKey(status), $"{name} does not list {status}.");
            // Every key has at least the reader role, so only operations that need more can answer 403.
            var reader = ((string?)operation["description"])!.Contains("`reader` role", StringComparison.Ordinal);
            Assert.True(responses.ContainsKey("403") != reader, $"{name} {(reader ? "lists a 403 no key can get" : "does not list 403")}.");
            // The one exception: a rejected atomic import answers 422 with its import report, the body docs/design.md specifies.
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5' && !(name == "POST /api/v1/imports" && r.Key == "422")))
            {
                Assert.True(response!["content"]?["application/problem+json"] is not null, $"{name} {status} is not an application/problem+json problem.");
            }
            if (responses.ContainsKey("428"))
            {
                Assert.True(operation["parameters"]?.AsArray().Any(p => (string?)p!["name"] == "If-Match" && (string?)p["in"] == "header" && (bool?)p["required"] == true) == true,
                    $"{name} can answer 428 but does not declare a required If-Match header.");
            }
            if (operation["requestBody"]?["content"]?.AsObject() is { } content)
            {
                foreach (var status in new[] { "400", "413", "415" }) Assert.True(responses.ContainsKey(status), $"{name} takes a body but does not list {status}.");
                Assert.True(content.Any(m => m.Value?["example"] is not null), $"{name} has no request example.");
            }
        }
    }

    [Fact]
    public async Task The_contract_declares_the_api_key_security_schemes_and_its_identity()
    {
        var document = await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct);

        Assert.StartsWith("3.1", (string?)document!["openapi"]);
        Assert.Equal("CaseApi", (string?)document["info"]!["title"]);
        Assert.Equal("v1", (string?)document["info"]!["version"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)document["info"]!["description"]));
        var apiKey = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", (string?)apiKey["type"]);
        Assert.Equal("header", (string?)apiKey["in"]);
        Assert.Equal("X-Api-Key", (string?)apiKey["name"]);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        Assert.Equal(2, document["security"]!.AsArray().Count);
    }

    [Fact]
    public async Task Request_schemas_require_exactly_what_the_validator_requires()
    {
        var document = await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct);

        var caseRequest = document!["components"]!["schemas"]!["CaseRequest"]!;

        var required = caseRequest["required"]!.AsArray().Select(r => (string?)r).Order(StringComparer.Ordinal);
        Assert.Equal(["activityTypes", "collectorType", "outcome", "sectors", "slug", "title"], required);
        Assert.Equal("string", (string?)caseRequest["properties"]!["slug"]!["type"]);
    }

    private static IEnumerable<(string Method, string Path, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in Methods
        where path.Value![method] is JsonObject
        select (method, path.Key, path.Value![method]!.AsObject());

    /// <summary>"/api/v1/cases/{id:guid}" as OpenAPI writes it: "/api/v1/cases/{id}", without a trailing slash.</summary>
    private static string Template(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            _ => p.ToString(),
        })));
        return "/" + string.Join('/', segments);
    }

    /// <summary>Where the two documents first part, so the failure says what changed, not only that something did.</summary>
    private static string FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is JsonObject e && actual is JsonObject a)
        {
            foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
            {
                if (!JsonNode.DeepEquals(e[key], a[key])) return FirstDifference(e[key], a[key], $"{path}.{key}");
            }
        }
        else if (expected is JsonArray ea && actual is JsonArray aa && ea.Count == aa.Count)
        {
            for (var i = 0; i < ea.Count; i++)
            {
                if (!JsonNode.DeepEquals(ea[i], aa[i])) return FirstDifference(ea[i], aa[i], $"{path}[{i}]");
            }
        }
        return $"First difference at {path}: committed {Short(expected)}, served {Short(actual)}.";
    }

    private static string Short(JsonNode? node) => node?.ToJsonString() is { } json ? (json.Length > 300 ? json[..300] + "…" : json) : "(absent)";
}
