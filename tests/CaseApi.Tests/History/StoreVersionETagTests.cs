using System.Net;
using System.Net.Http.Headers;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

public sealed class StoreVersionETagTests(CaseApiFactory api) : HistoryTest(api)
{
    [Theory]
    [InlineData("/api/v1/cases?limit=5")]
    [InlineData("/api/v1/cases/export?format=json")]
    [InlineData("/api/v1/stats/summary")]
    [InlineData("/api/v1/stats/cases?groupBy=sector")]
    [InlineData("/api/v1/stats/policy-alignment")]
    public async Task A_store_wide_read_answers_304_until_something_commits(string path)
    {
        await CreateCaseAsync(CaseSamples.Minimal("etag-case"));
        using var first = await Client.GetAsync(path, Ct);
        var tag = first.Headers.ETag;

        using var again = await GetIfNoneMatchAsync(path, tag!);
        await CreateCaseAsync(CaseSamples.Minimal("etag-case-2"));
        using var afterWrite = await GetIfNoneMatchAsync(path, tag!);

        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync(Ct));
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(tag, again.Headers.ETag);
        // The tag hashes Accept: a cache must keep one answer per Accept value.
        Assert.Contains("Accept", first.Headers.Vary);
        Assert.Contains("Accept", again.Headers.Vary);
        Assert.Equal(HttpStatusCode.OK, afterWrite.StatusCode);
        Assert.NotEqual(tag, afterWrite.Headers.ETag);
    }

    [Fact]
    public async Task The_same_version_with_another_question_is_another_tag()
    {
        using var some = await Client.GetAsync("/api/v1/cases?limit=5", Ct);
        using var other = await Client.GetAsync("/api/v1/cases?limit=6", Ct);

        using var crossed = await GetIfNoneMatchAsync("/api/v1/cases?limit=6", some.Headers.ETag!);

        Assert.NotEqual(some.Headers.ETag, other.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, crossed.StatusCode);
    }

    [Fact]
    public async Task A_rejected_query_carries_no_tag()
    {
        using var response = await Client.GetAsync("/api/v1/cases?limit=0", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.ETag);
    }

    private async Task<HttpResponseMessage> GetIfNoneMatchAsync(string path, EntityTagHeaderValue tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag);
        return await Client.SendAsync(request, Ct);
    }
}
