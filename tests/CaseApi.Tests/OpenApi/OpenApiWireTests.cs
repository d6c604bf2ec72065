using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.OpenApi;

/// <summary>The contract says what the wire carries: problem members, response headers, and examples that work.</summary>
public sealed class OpenApiWireTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task The_problem_schemas_declare_traceId_and_forbid_undeclared_members()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        foreach (var name in new[] { "Problem", "ValidationProblem" })
        {
            var schema = schemas[name]!;
            Assert.Equal(false, (bool?)schema["additionalProperties"]);
            Assert.Equal(["detail", "status", "title", "traceId", "type"], Required(schema).Where(r => r != "errors").Order(StringComparer.Ordinal));
        }
        Assert.Contains("errors", Required(schemas["ValidationProblem"]!));
        Assert.Null(schemas["ProblemDetails"]);
        Assert.Null(schemas["HttpValidationProblemDetails"]);
    }

    [Fact]
    public async Task Every_member_of_real_problems_is_declared_and_every_required_one_is_sent()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        using var anonymous = AnonymousClient();

        var problems = new[]
        {
            ("Problem", await anonymous.GetAsync("/api/v1/cases", Ct)),
            ("Problem", await Client.GetAsync("/api/v1/cases/no-such-case", Ct)),
            ("ValidationProblem", await Client.GetAsync("/api/v1/cases?limit=0", Ct)),
            ("ValidationProblem", await Client.PostAsync("/api/v1/cases", new StringContent("{}", Encoding.UTF8, "application/json"), Ct)),
        };

        foreach (var (schema, response) in problems)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            var declared = schemas[schema]!["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
            Assert.All(body.Select(m => m.Key), member => Assert.Contains(member, declared));
            Assert.All(Required(schemas[schema]!),
                member => Assert.True(body.ContainsKey(member), $"A {(int)response.StatusCode} problem has no '{member}'."));
            Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), (string?)body["traceId"]);
        }
    }

    [Fact]
    public async Task Response_headers_are_declared_on_the_operations_that_send_them()
    {
        var paths = (await DocumentAsync())["paths"]!;

        Assert.Equal(["ETag", "X-Request-Id"], Headers(paths["/api/v1/cases/{id}"]!["get"]!, "200"));
        Assert.Equal(["ETag", "Location", "X-Consistency-Token", "X-Request-Id"], Headers(paths["/api/v1/cases"]!["post"]!, "201"));
        Assert.Equal(["ETag", "Link", "X-Request-Id"], Headers(paths["/api/v1/cases"]!["get"]!, "200"));
        Assert.Equal(["Content-Disposition", "ETag", "X-Request-Id"], Headers(paths["/api/v1/cases/export"]!["get"]!, "200"));
        Assert.Equal(["Retry-After", "X-Request-Id"], Headers(paths["/api/v1/cases"]!["get"]!, "429"));
        Assert.Equal(["Retry-After", "X-Request-Id"], Headers(paths["/api/v1/stats/summary"]!["get"]!, "503"));
        Assert.Equal(["WWW-Authenticate", "X-Request-Id"], Headers(paths["/api/v1/sectors"]!["get"]!, "401"));
    }

    [Fact]
    public async Task Problem_responses_carry_the_request_id_even_when_an_exception_was_rewritten_into_one()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases?includeChildren=maybe");
        request.Headers.Add("X-Request-Id", "wire-test-1");

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("wire-test-1", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Swagger_examples_of_list_export_and_statistics_return_data_from_the_bundled_sample()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        var paths = (await DocumentAsync())["paths"]!;

        foreach (var path in new[] { "/api/v1/cases", "/api/v1/cases/export", "/api/v1/stats/cases", "/api/v1/stats/summary", "/api/v1/cases/{id}" })
        {
            var parameters = paths[path]!["get"]!["parameters"]?.AsArray() ?? [];
            var query = string.Join('&', parameters.Where(p => (string?)p!["in"] == "query" && p["example"] is not null)
                .Select(p => $"{p!["name"]}={Uri.EscapeDataString(p["example"] is JsonArray a ? string.Join(',', a) : p["example"]!.ToString())}"));
            var id = parameters.FirstOrDefault(p => (string?)p!["in"] == "path")?["example"]?.ToString();

            using var response = await Client.GetAsync($"{path.Replace("{id}", id, StringComparison.Ordinal)}?{query}", Ct);

            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}?{query} answered {(int)response.StatusCode}: {body}");
            Assert.DoesNotContain("\"items\":[]", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"total\":0,", body, StringComparison.Ordinal);
        }
        var groupBy = paths["/api/v1/stats/cases"]!["get"]!["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "groupBy")!;
        Assert.True((bool?)groupBy["required"]);
    }

    private async Task<JsonObject> DocumentAsync() => (await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct))!;

    private static IEnumerable<string> Required(JsonNode schema) => schema["required"]!.AsArray().Select(r => (string)r!);

    private static IEnumerable<string> Headers(JsonNode operation, string status) =>
        operation["responses"]![status]!["headers"]!.AsObject().Select(h => h.Key).Order(StringComparer.Ordinal);
}
