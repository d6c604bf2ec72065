using System.Net;
using CaseApi.Client;
using CaseApi.Client.Models;

namespace CaseApi.Tests.Clients;

/// <summary>The package retries a 429 after the Retry-After the service sends, and not before.</summary>
public sealed class ClientRetryTests(ShortWindowFactory api) : ClientTest(api), IClassFixture<ShortWindowFactory>
{
    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_and_every_call_succeeds()
    {
        var recorder = new RecordingHandler();
        var client = Connect(new CaseApiConnectionOptions { InnerHandler = recorder }).Client;

        for (var i = 0; i < 5; i++) Assert.NotNull(await client.Api.V1.Sectors.GetAsync(cancellationToken: Ct));

        var exchanges = recorder.Exchanges;
        var refused = exchanges.Select((e, i) => (e, i)).Where(x => x.e.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        foreach (var (refusal, index) in refused)
        {
            Assert.NotNull(refusal.RetryAfter);
            var resent = exchanges[index + 1].At - refusal.At;
            // The retry went out no earlier than Retry-After said (less the time its own round trip took).
            Assert.True(resent >= refusal.RetryAfter.Value - TimeSpan.FromMilliseconds(200),
                $"resent after {resent}, Retry-After {refusal.RetryAfter}");
        }
        Assert.Equal(5, exchanges.Count(e => e.Status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Without_retries_the_429_reaches_the_caller_as_a_problem()
    {
        var client = Connect(new CaseApiConnectionOptions { MaxRetries = 0 }).Client;

        var refused = await Assert.ThrowsAsync<Problem>(async () =>
        {
            for (var i = 0; i < 5; i++) await client.Api.V1.Sectors.GetAsync(cancellationToken: Ct);
        });

        Assert.Equal(429, refused.ResponseStatusCode);
        Assert.Equal("rate-limited", refused.Code);
    }
}
