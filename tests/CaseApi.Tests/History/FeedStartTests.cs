using System.Net;
using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.History;

/// <summary>A mirror starts from a list or an export: each names the feed position it reflects, and the feed continues after it.</summary>
public sealed class FeedStartTests(CaseApiFactory api) : HistoryTest(api)
{
    [Fact]
    public async Task A_list_and_an_export_name_their_feed_position_and_the_feed_continues_after_it()
    {
        await CreateCaseAsync(CaseSamples.Minimal("first-case"));
        await CreateCaseAsync(CaseSamples.Minimal("second-case"));
        using var list = await Client.GetAsync("/api/v1/cases", Ct);
        using var export = await Client.GetAsync("/api/v1/cases/export?format=json", Ct);
        await CreateCaseAsync(CaseSamples.Minimal("third-case"));

        var position = Assert.Single(export.Headers.GetValues("Feed-Position"));
        var (items, _) = await DrainFeedAsync(Client, position);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("2", Assert.Single(list.Headers.GetValues("Feed-Position")));
        Assert.Equal("2", position);
        Assert.Equal(["third-case"], items.Select(i => (string)i["slug"]!));
    }

    [Fact]
    public async Task A_read_of_the_past_names_its_position()
    {
        await CreateCaseAsync(CaseSamples.Minimal("first-case"));
        await CreateCaseAsync(CaseSamples.Minimal("second-case"));

        using var past = await Client.GetAsync("/api/v1/cases?asOf=1", Ct);

        Assert.Equal("1", Assert.Single(past.Headers.GetValues("Feed-Position")));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("not-a-cursor")]
    public async Task An_after_that_is_neither_a_cursor_nor_a_position_is_a_400(string after)
    {
        using var response = await Client.GetAsync($"/api/v1/changes?after={after}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
