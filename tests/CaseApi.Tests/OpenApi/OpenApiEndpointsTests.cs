using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.OpenApi;

public sealed class OpenApiEndpointsTests(CaseApiFactory api) : ApiTest(api)
{
    public static TheoryData<string, string, string[]> Operations => new()
    {
        { "get", "/api/v1/cases", ["200"] },
        { "get", "/api/v1/cases/{id}", ["200", "304", "404"] },
        { "post", "/api/v1/cases", ["201", "400", "409", "413", "415"] },
        { "put", "/api/v1/cases/{id}", ["200", "400", "404", "409", "412", "428"] },
        { "patch", "/api/v1/cases/{id}", ["200", "400", "404", "412", "415", "428"] },
        { "delete", "/api/v1/cases/{id}", ["204", "404", "412", "428"] },
        { "get", "/api/v1/code-lists", ["200"] },
        { "get", "/api/v1/sectors", ["200"] },
        { "get", "/api/v1/sponsors", ["200"] },
        { "get", "/api/v1/policy-documents", ["200"] },
        { "get", "/api/v1/source-lists", ["200"] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task The_document_lists_the_operation_with_its_responses(string method, string path, string[] statuses)
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        var document = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        var operation = document!["paths"]?[path]?[method];
        Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
        var documented = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
        Assert.All(statuses, s => Assert.Contains(s, documented));
        Assert.False(string.IsNullOrEmpty((string?)operation["operationId"]));
    }

    [Fact]
    public async Task The_document_is_openapi_3_1()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        var document = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.StartsWith("3.1", (string?)document!["openapi"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await Client.GetAsync("/swagger/index.html", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        using var response = await Client.GetAsync(path, Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Readiness answers JSON with each check's detail; liveness the bare status.
        Assert.Equal("Healthy", body.StartsWith('{') ? (string?)JsonNode.Parse(body)!["status"] : body);
    }
}
