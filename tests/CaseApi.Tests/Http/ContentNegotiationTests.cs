using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Http;

/// <summary>The export and the statistics choose their representation by format=, else by Accept.</summary>
public sealed class ContentNegotiationTests(CaseApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("/api/v1/cases/export", null, "text/csv")]
    [InlineData("/api/v1/cases/export", "*/*", "text/csv")]
    [InlineData("/api/v1/cases/export", "application/x-ndjson", "application/x-ndjson")]
    [InlineData("/api/v1/cases/export", "text/html;q=0.9, application/vnd.apache.parquet", "application/vnd.apache.parquet")]
    [InlineData("/api/v1/cases/export?format=json", "application/x-ndjson", "application/json")]
    [InlineData("/api/v1/stats/cases?groupBy=sector", null, "application/json")]
    [InlineData("/api/v1/stats/cases?groupBy=sector", "text/csv", "text/csv")]
    [InlineData("/api/v1/stats/cases?groupBy=sector&format=json", "text/csv", "application/json")]
    public async Task Format_wins_else_Accept_chooses_else_the_default(string path, string? accept, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);

        using var response = await Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Theory]
    [InlineData("/api/v1/cases/export")]
    [InlineData("/api/v1/stats/cases?groupBy=sector")]
    public async Task An_accept_naming_no_offered_media_type_is_406(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/png"));

        using var response = await Client.SendAsync(request, Ct);

        await Problems.AssertAsync(response, HttpStatusCode.NotAcceptable);
    }

    /// <summary>
    /// A problem raised outside a handler (a query value that does not bind, a missing credential) is written by the
    /// framework's problem writer, which writes nothing when Accept names no JSON type: the service's fallback must.
    /// </summary>
    [Theory]
    [InlineData("/api/v1/cases/export?includeChildren=STIX", "image/png", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/cases/export?includeChildren=STIX", "LhbLw4);!6KDj|Pv7{u6GS(*x", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/cases/kevin-mallory", "text/csv", HttpStatusCode.Unauthorized)]
    public async Task A_problem_has_a_json_body_whatever_accept_asks_for(string path, string accept, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var client = status == HttpStatusCode.Unauthorized ? ClientWithKey("cak_not-a-key") : Client;

        using var response = await client.SendAsync(request, Ct);

        await Problems.AssertAsync(response, status);
    }
}
