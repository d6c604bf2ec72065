using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

/// <summary>The API with budgets small enough to exhaust in a test, and CORS configured for one origin.</summary>
public sealed class TinyRateLimitFactory : CaseApiFactory
{
    public const string AllowedOrigin = "https://dashboard.example";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:PermitLimit"] = "3",
        ["RateLimits:BulkPermitLimit"] = "1",
        ["RateLimits:WindowSeconds"] = "60",
        ["Cors:AllowedOrigins:0"] = AllowedOrigin,
    };
}
