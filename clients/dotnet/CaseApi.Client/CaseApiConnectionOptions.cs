namespace CaseApi.Client;

/// <summary>How a <see cref="CaseApiConnection"/> retries and waits.</summary>
public sealed class CaseApiConnectionOptions
{
    /// <summary>How many times a 429 or 503 is retried after its Retry-After (Kiota allows at most 10).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The whole request's limit; keep it above the longest long poll (<c>wait=</c>) you send.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The handler that sends the requests (default: a new <see cref="SocketsHttpHandler"/>).</summary>
    public HttpMessageHandler? InnerHandler { get; init; }
}
