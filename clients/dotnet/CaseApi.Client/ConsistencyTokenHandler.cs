namespace CaseApi.Client;

/// <summary>
/// Read-your-writes: a write's answer carries X-Consistency-Token when the service reads from a standby; this handler
/// keeps the latest and sends it with every later read, so a read sees the writes made before it. Hand-written because
/// the token travels from one operation's response to other operations' requests, which a contract cannot describe.
/// </summary>
public sealed class ConsistencyTokenHandler : DelegatingHandler
{
    public const string HeaderName = "X-Consistency-Token";

    private readonly Lock gate = new();
    private (uint High, uint Low)? latest;

    /// <summary>The latest token seen (a PostgreSQL WAL position such as 0/16B3740), or null before any write.</summary>
    public string? Token
    {
        get
        {
            lock (gate) return latest is { } l ? $"{l.High:X}/{l.Low:X}" : null;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = Token;
        if (token is not null && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
            && !request.Headers.Contains(HeaderName))
        {
            request.Headers.Add(HeaderName, token);
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues(HeaderName, out var values)) Remember(values.FirstOrDefault());
        return response;
    }

    /// <summary>Keeps the later of the held token and this one: answers to concurrent writes may arrive out of order.</summary>
    private void Remember(string? token)
    {
        if (token?.Split('/') is not [var high, var low]
            || !uint.TryParse(high, System.Globalization.NumberStyles.HexNumber, null, out var h)
            || !uint.TryParse(low, System.Globalization.NumberStyles.HexNumber, null, out var l))
        {
            return;
        }
        lock (gate)
        {
            if (latest is not { } held || (h, l).CompareTo(held) > 0) latest = (h, l);
        }
    }
}
