using System.Net;

namespace CaseApi.Tests.Clients;

/// <summary>
/// The innermost handler of a test's client connection: sends each request over the network and records what went out
/// and came back, so a test sees what the package's middleware did (pages fetched, 429s retried, 304s).
/// </summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly List<(HttpMethod Method, string Path, HttpStatusCode Status, TimeSpan? RetryAfter, DateTimeOffset At)> exchanges = [];

    /// <summary>Runs once, before the first request with this method is sent: another writer's change, say.</summary>
    public Func<Task>? BeforeFirst { get; set; }

    public HttpMethod BeforeFirstMethod { get; set; } = HttpMethod.Patch;

    public IReadOnlyList<(HttpMethod Method, string Path, HttpStatusCode Status, TimeSpan? RetryAfter, DateTimeOffset At)> Exchanges
    {
        get
        {
            lock (exchanges) return [.. exchanges];
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == BeforeFirstMethod && BeforeFirst is { } before)
        {
            BeforeFirst = null;
            await before();
        }
        var response = await base.SendAsync(request, cancellationToken);
        lock (exchanges)
        {
            exchanges.Add((request.Method, request.RequestUri!.PathAndQuery, response.StatusCode, response.Headers.RetryAfter?.Delta,
                DateTimeOffset.UtcNow));
        }
        return response;
    }
}
