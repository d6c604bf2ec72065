using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Errors;

/// <summary>Every /cases/{id} operation takes the id or the slug.</summary>
public sealed class IdOrSlugTests(CaseApiFactory api) : ApiTest(api)
{
    private static readonly EntityTagHeaderValue Stale = new("\"1\"");
    private static readonly string[] CasePaths = ["/api/v1/cases/{id}", "/api/v1/cases/{id}/history"];

    [Fact]
    public async Task Put_patch_history_and_delete_find_a_case_by_its_slug()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal("by-slug"));
        var replacement = CaseSamples.Minimal("by-slug");
        replacement["title"] = "Replaced by slug";

        using var put = await Client.PutAsync("/api/v1/cases/by-slug", replacement, etag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var patch = await Client.MergePatchAsync("/api/v1/cases/by-slug", """{"title":"Patched by slug"}""", put.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        using var history = await Client.GetAsync("/api/v1/cases/by-slug/history", Ct);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        var events = (await ReadObjectAsync(history))["items"]!.AsArray();
        using var delete = await Client.DeleteAsync("/api/v1/cases/by-slug", patch.Headers.ETag);

        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal((string?)created["id"], (string?)e!["entityId"]));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Client.GetAsync($"/api/v1/cases/{created["id"]}/history", Ct);
        Assert.Equal(4, (await ReadObjectAsync(gone))["items"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("HISTORY")]
    public async Task An_unknown_slug_is_a_404_naming_it(string operation)
    {
        using var response = operation switch
        {
            "PUT" => await Client.PutAsync("/api/v1/cases/no-such-case", CaseSamples.Minimal("no-such-case"), Stale),
            "PATCH" => await Client.MergePatchAsync("/api/v1/cases/no-such-case", "{}", Stale),
            "DELETE" => await Client.DeleteAsync("/api/v1/cases/no-such-case", Stale),
            _ => await Client.GetAsync("/api/v1/cases/no-such-case/history", Ct),
        };

        var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no-such-case", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_contract_describes_the_path_parameter_as_an_id_or_a_slug()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        var document = (await ReadObjectAsync(response))["paths"]!.AsObject();

        var parameters = CasePaths
            .SelectMany(path => document[path]!.AsObject().Select(operation => operation.Value!["parameters"]!.AsArray()
                .Single(p => (string?)p!["name"] == "id")!))
            .ToList();

        Assert.Equal(5, parameters.Count);
        Assert.All(parameters, p => Assert.Equal("The case's id (a UUID) or its slug.", (string?)p["description"]));
        Assert.All(parameters, p => Assert.Null(p["schema"]!["format"]));
    }
}
