using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Errors;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Assertions for RFC 9457 problem responses.</summary>
public static class Problems
{
    public static async Task<JsonObject> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int?)problem["status"]);
        // Every problem, whoever writes it, carries all six members (docs/reference/errors.md).
        foreach (var member in new[] { "type", "code", "title", "detail", "traceId" })
        {
            Assert.False(string.IsNullOrEmpty((string?)problem[member]), $"The problem has no '{member}': {text}");
        }
        Assert.True(KnownCodes.Contains((string)problem["code"]!), $"The problem's code is not one docs/reference/errors.md lists: {text}");
        return problem;
    }

    /// <summary>A 400 whose errors name the given JSON field path.</summary>
    public static async Task<JsonObject> AssertFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"Expected an error for '{field}', got {problem.ToJsonString()}");
        return problem;
    }

    /// <summary>Every code a problem may carry: each status's general code and the precise ones.</summary>
    public static IReadOnlySet<string> KnownCodes { get; } =
        ProblemTypes.All.Values.Select(k => k.Code).Concat(ProblemCodes.Precise.Keys).ToHashSet(StringComparer.Ordinal);

    public static Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken)!;
}
