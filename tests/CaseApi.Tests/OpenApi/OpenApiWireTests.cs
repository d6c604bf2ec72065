using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Cases;
using CaseApi.Infrastructure.Errors;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.OpenApi;

/// <summary>The contract says what the wire carries: problem members, response headers, and examples that work.</summary>
public sealed class OpenApiWireTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly string[] FrameworkJsonTypes = ["JsonElement", "JsonNode", "JsonObject", "JsonArray"];

    [Fact]
    public async Task One_problem_schema_declares_code_and_traceId_and_makes_errors_optional()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        var problem = schemas["Problem"]!;
        Assert.Equal(["code", "detail", "status", "title", "traceId", "type"], Required(problem).Order(StringComparer.Ordinal));
        Assert.NotNull(problem["properties"]!["errors"]);
        Assert.Equal(ProblemCodes.Pattern, (string?)problem["properties"]!["code"]!["pattern"]);
        foreach (var name in new[] { "ValidationProblem", "ProblemDetails", "HttpValidationProblemDetails" }) Assert.Null(schemas[name]);
    }

    [Fact]
    public async Task Response_schemas_admit_new_members_and_request_schemas_refuse_them()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        // The tolerant reader (docs/reference/compatibility.md): a response may gain members, a request may not.
        foreach (var response in new[] { "Problem", "CaseResponse", "ImportResponse" }) Assert.Null(schemas[response]!["additionalProperties"]);
        foreach (var request in new[] { "CaseRequest", "CreateApiKeyRequest" })
        {
            Assert.Equal(false, (bool?)schemas[request]!["additionalProperties"]);
        }
    }

    [Fact]
    public async Task Every_member_of_real_problems_is_declared_and_every_required_one_is_sent()
    {
        var problem = (await DocumentAsync())["components"]!["schemas"]!["Problem"]!;
        var declared = problem["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
        using var anonymous = AnonymousClient();

        var responses = new[]
        {
            (ProblemTypes.For(401).Code, await anonymous.GetAsync("/api/v1/cases", Ct)),
            (ProblemTypes.For(404).Code, await Client.GetAsync("/api/v1/cases/no-such-case", Ct)),
            (ProblemCodes.ValidationFailed, await Client.GetAsync("/api/v1/cases?limit=0", Ct)),
            (ProblemCodes.ValidationFailed, await Client.PostAsync("/api/v1/cases", Json("{}"), Ct)),
            (ProblemCodes.InvalidJson, await Client.PostAsync("/api/v1/cases", Json("{"), Ct)),
            (ProblemCodes.InvalidParameter, await Client.GetAsync("/api/v1/cases?from=2019-01-01", Ct)),
        };

        foreach (var (code, response) in responses)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            Assert.All(body.Select(m => m.Key), member => Assert.Contains(member, declared));
            Assert.All(Required(problem), m => Assert.True(body.ContainsKey(m), $"A {(int)response.StatusCode} problem has no '{m}'."));
            Assert.Equal(code, (string?)body["code"]);
            Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), (string?)body["traceId"]);
        }
    }

    [Fact]
    public async Task Schemas_are_named_for_the_api_and_each_is_used()
    {
        var document = await DocumentAsync();
        var text = document.ToJsonString();

        foreach (var name in document["components"]!["schemas"]!.AsObject().Select(s => s.Key))
        {
            Assert.DoesNotContain(name, FrameworkJsonTypes);
            Assert.False(name.StartsWith("PagedResponseOf", StringComparison.Ordinal), $"{name} is a .NET generic's name.");
            Assert.True(text.Contains($"\"#/components/schemas/{name}\"", StringComparison.Ordinal), $"The schema {name} is never used.");
        }
    }

    [Fact]
    public async Task Every_get_that_sends_an_etag_answers_if_none_match_with_304()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();

        foreach (var (path, item) in paths)
        {
            if (item!["get"] is not { } get || get["responses"]!["200"]?["headers"]?["ETag"] is null) continue;
            Assert.True(get["responses"]!["304"] is not null, $"GET {path} sends an ETag but does not declare 304.");
            Assert.True(get["parameters"]!.AsArray().Any(p => (string?)p!["name"] == "If-None-Match" && (string?)p["in"] == "header"),
                $"GET {path} answers 304 but does not declare If-None-Match.");
        }
    }

    [Fact]
    public async Task The_server_is_one_absolute_url()
    {
        var servers = (await DocumentAsync())["servers"]!.AsArray();

        Assert.True(Uri.TryCreate((string?)Assert.Single(servers)!["url"], UriKind.Absolute, out _), "Generators need one absolute server URL.");
    }

    [Fact]
    public async Task Response_headers_are_declared_on_the_operations_that_send_them()
    {
        var paths = (await DocumentAsync())["paths"]!;

        // Every operation is governed by the rate limiter; the store-wide reads' tag and body vary by Accept.
        string[] limits = ["RateLimit", "RateLimit-Policy"];
        // Reads that may answer as of a position, and the store-wide ones, name the feed position they reflect.
        Assert.Equal(["ETag", "Feed-Position", .. limits, "X-Request-Id"], Headers(paths["/api/v1/cases/{id}"]!["get"]!, "200"));
        Assert.Equal(["ETag", "Location", .. limits, "X-Consistency-Token", "X-Request-Id"], Headers(paths["/api/v1/cases"]!["post"]!, "201"));
        Assert.Equal(["ETag", "Feed-Position", "Link", .. limits, "Vary", "X-Request-Id"], Headers(paths["/api/v1/cases"]!["get"]!, "200"));
        Assert.Equal(["Content-Disposition", "ETag", "Feed-Position", .. limits, "Vary", "X-Request-Id"],
            Headers(paths["/api/v1/cases/export"]!["get"]!, "200"));
        Assert.Equal(["ETag", .. limits, "X-Request-Id"], Headers(paths["/api/v1/changes"]!["get"]!, "304"));
        Assert.Equal(["ETag", .. limits, "X-Request-Id"], Headers(paths["/api/v1/cases/{id}"]!["put"]!, "412"));
        Assert.Equal([.. limits, "Retry-After", "X-Request-Id"], Headers(paths["/api/v1/cases"]!["get"]!, "429"));
        Assert.Equal([.. limits, "Retry-After", "X-Request-Id"], Headers(paths["/api/v1/stats/summary"]!["get"]!, "503"));
        Assert.Equal([.. limits, "WWW-Authenticate", "X-Request-Id"], Headers(paths["/api/v1/sectors"]!["get"]!, "401"));
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

    [Fact]
    public async Task Statistics_rows_carry_only_the_members_the_row_schema_declares_with_their_types()
    {
        await SampleCases.LoadIfEmptyAsync(Api.Services, Ct);
        var row = (await DocumentAsync())["components"]!["schemas"]!["CaseStatisticsRow"]!;
        var members = row["properties"]!.AsObject();

        var one = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/cases?groupBy=aligned&metrics=sentenceMonths.avg", Ct);
        var three = await Client.GetFromJsonAsync<JsonObject>("/api/v1/stats/cases?groupBy=year,sector,sponsorType&metrics=lossUsd.sum", Ct);

        Assert.Equal(["count", "share"], Required(row).Order(StringComparer.Ordinal));
        foreach (var sent in one!["rows"]!.AsArray().Concat(three!["rows"]!.AsArray()).Select(r => r!.AsObject()))
        {
            foreach (var (name, value) in sent)
            {
                Assert.True(members.ContainsKey(name), $"A row has '{name}', which CaseStatisticsRow does not declare.");
                var types = members[name]!["type"] is JsonArray many ? many.Select(t => (string)t!).ToList() : [(string)members[name]!["type"]!];
                var kind = value?.GetValueKind() switch
                {
                    null => "null", System.Text.Json.JsonValueKind.String => "string", System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
                    _ => value.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
                };
                Assert.True(types.Contains(kind) || (kind == "integer" && types.Contains("number")), $"'{name}' is {kind}, declared {string.Join('|', types)}.");
            }
        }
        Assert.Contains(three["rows"]!.AsArray(), r => r!["sectorLabel"] is not null && r["yearLabel"] is not null);
    }

    [Fact]
    public async Task A_listed_case_is_a_partial_case_and_list_parameters_are_comma_separated_arrays()
    {
        var document = await DocumentAsync();
        var list = document["paths"]!["/api/v1/cases"]!["get"]!;
        var stats = document["paths"]!["/api/v1/stats/cases"]!["get"]!;
        JsonNode Parameter(JsonNode operation, string name) => operation["parameters"]!.AsArray().Single(p => (string?)p!["name"] == name)!;

        Assert.Equal("#/components/schemas/CaseFields", (string?)document["components"]!["schemas"]!["CasePage"]!["properties"]!["items"]!["items"]!["$ref"]);
        Assert.Null(document["components"]!["schemas"]!["CaseFields"]!["required"]);
        var cases = new[] { (list, "fields", "slug"), (stats, "groupBy", "sector"), (stats, "metrics", "lossUsd.sum"), (list, "sector", null) };
        foreach (var (operation, name, closed) in cases)
        {
            var parameter = Parameter(operation, name);
            Assert.Equal("array", (string?)parameter["schema"]!["type"]);
            // Comma-separated, but a required list (NSwag cannot build a required comma-separated one beside optional ones).
            Assert.Equal((bool?)parameter["required"] == true ? null : false, (bool?)parameter["explode"]);
            var items = parameter["schema"]!["items"]!;
            if (items["$ref"] is { } reference) items = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!;
            var values = items["enum"]?.AsArray().Select(v => (string?)v).ToList();
            if (closed is null) Assert.Null(values);
            else Assert.Contains(closed, values!);
        }
    }

    [Fact]
    public async Task Every_member_of_a_json_export_item_is_declared_by_the_exports_item_schema_and_not_by_the_case()
    {
        await CreateCaseAsync(CaseSamples.Full());
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        JsonNode Members(JsonNode reference) => schemas[((string)reference!).Split('/')[^1]]!["properties"]!;
        var export = document["paths"]!["/api/v1/cases/export"]!["get"]!["responses"]!["200"]!;
        var items = export["content"]!["application/json"]!["schema"]!["items"]!;
        var declared = Members(items["$ref"]!).AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        var exported = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/cases/export?format=json", Ct))!;

        var sent = exported.SelectMany(c => c!.AsObject().Select(m => m.Key)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("defendantEntityIds", sent);
        Assert.Subset(declared, sent);
        Assert.DoesNotContain("sponsorType", schemas["CaseResponse"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<JsonObject> DocumentAsync() => (await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json", Ct))!;

    private static IEnumerable<string> Required(JsonNode schema) => schema["required"]!.AsArray().Select(r => (string)r!);

    private static IEnumerable<string> Headers(JsonNode operation, string status) =>
        operation["responses"]![status]!["headers"]!.AsObject().Select(h => h.Key).Order(StringComparer.Ordinal);
}
