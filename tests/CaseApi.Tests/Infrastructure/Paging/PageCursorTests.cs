using CaseApi.Infrastructure.Paging;
using Microsoft.AspNetCore.Http;

namespace CaseApi.Tests.Infrastructure.Paging;

/// <summary>The one cursor codec and Link builder every keyset list uses.</summary>
public sealed class PageCursorTests
{
    private sealed record ListPosition(DateTimeOffset At, Guid Id);

    private sealed record OtherPosition(DateTimeOffset At, Guid Id);

    [Fact]
    public void A_cursor_decodes_to_the_position_it_was_made_from()
    {
        var position = new ListPosition(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), Guid.NewGuid());

        var decoded = PageCursor.TryDecode<ListPosition>(PageCursor.Encode(position), out var back);

        Assert.True(decoded);
        Assert.Equal(position, back);
    }

    [Fact]
    public void A_cursor_of_another_list_is_refused()
    {
        var cursor = PageCursor.Encode(new OtherPosition(DateTimeOffset.UnixEpoch, Guid.NewGuid()));

        Assert.False(PageCursor.TryDecode<ListPosition>(cursor, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Text_the_codec_did_not_make_is_refused(string text) => Assert.False(PageCursor.TryDecode<ListPosition>(text, out _));

    [Fact]
    public void An_edited_cursor_is_refused()
    {
        var cursor = PageCursor.Encode(new ListPosition(DateTimeOffset.UnixEpoch, Guid.NewGuid()));
        var edited = (cursor[0] == 'A' ? 'B' : 'A') + cursor[1..];

        Assert.False(PageCursor.TryDecode<ListPosition>(edited, out _));
    }

    [Fact]
    public void An_overlong_cursor_is_refused_before_decoding() =>
        Assert.False(PageCursor.TryDecode<ListPosition>(new string('A', PageCursor.MaxLength + 1), out _));

    [Fact]
    public void A_correctly_signed_time_past_DateTimeOffset_MaxValue_is_refused_not_thrown()
    {
        // Same type name, so the MAC matches: only the out-of-range time is wrong.
        var cursor = PageCursor.Encode(new Forged.ListPosition("10000-01-01T00:00:00+00:00", Guid.NewGuid()));

        Assert.False(PageCursor.TryDecode<ListPosition>(cursor, out _));
    }

    [Fact]
    public void The_next_link_keeps_every_parameter_escaped_and_replaces_the_cursor()
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "https";
        request.Host = new HostString("cases.example.org");
        request.PathBase = "/base";
        request.Path = "/api/v1/cases";
        request.QueryString = new QueryString("?q=%22a%3Eb%22%3B%20rel&sector=space&sector=rail&cursor=old");

        var link = KeysetPage.NextLink(request, "new.cursor");

        // Inside <…> only ">" could end the reference early; it and the quotes are escaped, ";" is legal in a query.
        Assert.Equal("<https://cases.example.org/base/api/v1/cases?q=%22a%3Eb%22;%20rel&sector=space&sector=rail&cursor=new.cursor>; rel=\"next\"", link);
    }

    [Fact]
    public void A_page_of_limit_plus_one_rows_drops_the_extra_row_and_points_past_the_last_kept_one()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/api/v1/audit";
        List<long> rows = [9, 8, 7];

        var page = KeysetPage.Create(rows, 2, 3, id => new Forged.AuditLikePosition(id), http.Response);

        Assert.Equal([9L, 8L], page.Items);
        Assert.True(PageCursor.TryDecode<Forged.AuditLikePosition>(page.NextCursor, out var next));
        Assert.Equal(8, next.Id);
        Assert.Equal($"</api/v1/audit?cursor={page.NextCursor}>; rel=\"next\"", http.Response.Headers.Link.ToString());
    }

    [Fact]
    public void The_last_page_has_no_cursor_and_no_link()
    {
        var http = new DefaultHttpContext();

        var page = KeysetPage.Create(new List<long> { 1 }, 2, PageTotal.None, id => new Forged.AuditLikePosition(id), http.Response);

        Assert.Null(page.NextCursor);
        Assert.False(http.Response.Headers.ContainsKey("Link"));
    }
}
