using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Cases;

public sealed class CreateCaseTests(CaseApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Create_returns_201_with_location_etag_and_the_case()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal(), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadObjectAsync(response);
        Assert.Equal($"/api/v1/cases/{body["id"]}", response.Headers.Location!.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal("test-case", (string?)body["slug"]);
    }

    [Fact]
    public async Task Every_field_reads_back_exactly_as_written_including_partial_dates()
    {
        var request = CaseSamples.Full();

        var (created, _) = await CreateCaseAsync(request);
        using var fetched = await Client.GetAsync($"/api/v1/cases/{created["id"]}", Ct);
        var body = await ReadObjectAsync(fetched);

        foreach (var (name, value) in request)
        {
            Assert.True(JsonNode.DeepEquals(value, body[name]), $"{name}: sent {value?.ToJsonString()}, got {body[name]?.ToJsonString()}");
        }
        Assert.Equal("2014", (string?)body["activityStart"]);
        Assert.Equal("2018-07", (string?)body["activityEnd"]);
        Assert.Equal("2019-04-23", (string?)body["chargedOn"]);
    }

    [Fact]
    public async Task A_duplicate_slug_is_409()
    {
        await CreateCaseAsync(CaseSamples.Minimal("same-slug"));

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", CaseSamples.Minimal("same-slug"), Ct);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_unknown_property_is_400_naming_it()
    {
        var request = CaseSamples.Minimal();
        request["colour"] = "red";

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        await Problems.AssertFieldAsync(response, "colour");
    }

    [Fact]
    public async Task A_read_only_property_is_400_naming_it()
    {
        var request = CaseSamples.Minimal();
        request["policyAligned"] = true;

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        await Problems.AssertFieldAsync(response, "policyAligned");
    }

    [Theory]
    [InlineData("sentenceMonths", "\"twelve\"")]
    [InlineData("sentenceMonths", "\"12\"")]
    [InlineData("sentenceMonths", "12.5")]
    [InlineData("title", "42")]
    [InlineData("sectors", "\"aerospace\"")]
    [InlineData("fineUsd", "true")]
    [InlineData("sources", "{}")]
    public async Task A_value_of_the_wrong_type_is_400_naming_the_field(string field, string json)
    {
        var body = CaseSamples.Minimal().ToJsonString()[..^1] + $",\"{field}\":{json}}}";

        using var response = await PostRawAsync(body, "application/json");

        await Problems.AssertFieldAsync(response, field);
    }

    [Theory]
    [InlineData("{\"slug\": ")]
    [InlineData("{\"slug\": \"a\",}")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"slug\":\"a\",\"slug\":\"b\"}")]
    public async Task Malformed_json_is_400(string body)
    {
        using var response = await PostRawAsync(body, "application/json");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_empty_body_is_400()
    {
        using var response = await PostRawAsync("", "application/json");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        var body = "{\"sources\":" + new string('[', 5000) + new string(']', 5000) + "}";

        using var response = await PostRawAsync(body, "application/json");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_media_type_is_415()
    {
        using var response = await PostRawAsync(CaseSamples.Minimal().ToJsonString(), "text/plain");

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var request = CaseSamples.Minimal();
        request["summary"] = new string('x', 2 * 1024 * 1024);

        using var response = await Client.PostAsJsonAsync("/api/v1/cases", request, Ct);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    private Task<HttpResponseMessage> PostRawAsync(string body, string mediaType) =>
        Client.PostAsync("/api/v1/cases", new StringContent(body, Encoding.UTF8, mediaType), Ct);
}
