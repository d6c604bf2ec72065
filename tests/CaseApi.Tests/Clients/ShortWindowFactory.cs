using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Clients;

/// <summary>The API with a budget of three requests a two-second window, so a client meets a 429 and its Retry-After in a test.</summary>
public sealed class ShortWindowFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:PermitLimit"] = "3",
        ["RateLimits:WindowSeconds"] = "2",
    };
}
