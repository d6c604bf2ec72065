using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace CaseApi.Client;

/// <summary>
/// A <see cref="CaseApiClient"/> for one service and API key, over Kiota's middleware (retries honouring Retry-After,
/// redirects, header inspection) and a <see cref="ConsistencyTokenHandler"/>. Dispose it to release the connection.
/// </summary>
public sealed class CaseApiConnection : IDisposable
{
    private readonly HttpClient http;
    private readonly HttpClientRequestAdapter adapter;

    private CaseApiConnection(HttpClient http, HttpClientRequestAdapter adapter, ConsistencyTokenHandler consistency)
    {
        this.http = http;
        this.adapter = adapter;
        Consistency = consistency;
        Client = new CaseApiClient(adapter);
    }

    /// <summary>The generated client: every operation of the contract, as <c>Client.Api.V1.Cases…</c>.</summary>
    public CaseApiClient Client { get; }

    /// <summary>The read-your-writes token this connection holds (the last write's X-Consistency-Token).</summary>
    public ConsistencyTokenHandler Consistency { get; }

    /// <summary>Connects to the service at <paramref name="baseUrl"/> (e.g. http://127.0.0.1:5080) with an API key.</summary>
    public static CaseApiConnection Create(Uri baseUrl, string apiKey, CaseApiConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        options ??= new CaseApiConnectionOptions();
        var consistency = new ConsistencyTokenHandler();
        var handlers = KiotaClientFactory.CreateDefaultHandlers();
        // The service answers 429 (rate limit, concurrency limit) and 503 (database unavailable, shutting down) with
        // Retry-After, and promises that neither wrote anything: Kiota's RetryHandler waits that long and resends.
        // Replacing its options (not adding a second retry layer) keeps one retry loop; 504 is not the service's.
        var retry = handlers.OfType<RetryHandler>().Single();
        handlers[handlers.IndexOf(retry)] = new RetryHandler(new RetryHandlerOption
        {
            MaxRetry = options.MaxRetries,
            ShouldRetry = (_, _, response) => (int)response.StatusCode is 429 or 503,
        });
        retry.Dispose();
        handlers.Add(consistency);
        var http = KiotaClientFactory.Create(handlers, options.InnerHandler);
        http.Timeout = options.Timeout;
        // Kiota's API-key provider accepts only https URLs; a default header works over both.
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = baseUrl.ToString().TrimEnd('/'),
        };
        return new CaseApiConnection(http, adapter, consistency);
    }

    public void Dispose()
    {
        adapter.Dispose();
        http.Dispose();
    }
}
