using System.Net;
using CaseApi.Client;

namespace CaseApi.Tests.Clients;

/// <summary>The package's read-your-writes handler: a write's token goes with later reads; an older token never replaces a newer one.</summary>
public sealed class ConsistencyTokenTests
{
    [Fact]
    public async Task A_writes_token_is_sent_with_later_reads_and_the_latest_token_wins()
    {
        var sent = new List<string?>();
        var tokens = new Queue<string>(["0/16B3740", "0/16B0000", "1/0"]);
        using var handler = new ConsistencyTokenHandler { InnerHandler = new Stub(request =>
        {
            sent.Add(request.Headers.TryGetValues(ConsistencyTokenHandler.HeaderName, out var v) ? v.Single() : null);
            var response = new HttpResponseMessage(HttpStatusCode.OK);
            if (request.Method != HttpMethod.Get) response.Headers.Add(ConsistencyTokenHandler.HeaderName, tokens.Dequeue());
            return response;
        }) };
        using var invoker = new HttpMessageInvoker(handler);

        HttpMethod[] methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Get, HttpMethod.Patch, HttpMethod.Get, HttpMethod.Delete, HttpMethod.Get];
        foreach (var method in methods)
        {
            using var request = new HttpRequestMessage(method, "http://127.0.0.1/api/v1/cases");
            using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        }

        // Reads carry the newest token; writes carry none of their own.
        Assert.Equal([null, null, "0/16B3740", null, "0/16B3740", null, "1/0"], sent);
        Assert.Equal("1/0", handler.Token);
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
