using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

public sealed class PatchCaseTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_merge_patch_changes_the_named_fields_and_keeps_the_rest()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title": "Patched", "sentenceMonths": 36}""", etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadObjectAsync(response);
        Assert.Equal("Patched", (string?)body["title"]);
        Assert.Equal(36, (int?)body["sentenceMonths"]);
        Assert.Equal((string?)created["summary"], (string?)body["summary"]);
        Assert.Equal("2019-04-23", (string?)body["chargedOn"]);
        Assert.Equal(2, body["sectors"]!.AsArray().Count);
    }

    [Fact]
    public async Task Null_clears_a_field_and_empties_a_list()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}",
            """{"summary": null, "tradecraft": null, "chargedOn": null, "resolvedOn": null, "sponsor": null}""", etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadObjectAsync(response);
        Assert.Null(body["summary"]);
        Assert.Null(body["chargedOn"]);
        Assert.Null(body["sponsor"]);
        Assert.Empty(body["tradecraft"]!.AsArray());
    }

    [Fact]
    public async Task A_list_in_a_patch_replaces_the_whole_list()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Full());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"sectors": ["space"]}""", etag);

        var body = await ReadObjectAsync(response);
        Assert.Equal(["space"], body["sectors"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(["space2050"], body["alignedPolicies"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task The_contract_warns_that_a_patch_replaces_arrays_and_names_the_membership_resource()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);

        var description = (string?)(await ReadObjectAsync(response))["paths"]!["/api/v1/cases/{id}"]!["patch"]!["description"];

        Assert.Contains("Arrays are replaced, not merged (RFC 7396)", description, StringComparison.Ordinal);
        Assert.Contains("/api/v1/cases/{idOrSlug}/lists/{code}", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clearing_a_required_field_is_400_naming_it()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title": null}""", etag);

        await Problems.AssertFieldAsync(response, "title");
    }

    [Fact]
    public async Task An_unknown_property_in_a_patch_is_400()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"colour": "red"}""", etag);

        await Problems.AssertFieldAsync(response, "colour");
    }

    [Fact]
    public async Task A_patch_that_is_not_an_object_is_400()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", "[1]", etag);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_patch_as_plain_json_is_415()
    {
        var (created, etag) = await CreateCaseAsync(CaseSamples.Minimal());

        using var response = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title": "x"}""", etag, "application/json");

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_patch_without_if_match_is_428_and_with_a_stale_one_412()
    {
        var (created, _) = await CreateCaseAsync(CaseSamples.Minimal());

        using var missing = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title": "x"}""", null);
        using var stale = await Client.MergePatchAsync($"/api/v1/cases/{created["id"]}", """{"title": "x"}""", new EntityTagHeaderValue("\"1\""));

        await Problems.AssertAsync(missing, (HttpStatusCode)428);
        await Problems.AssertAsync(stale, HttpStatusCode.PreconditionFailed);
    }
}
