using CaseApi.Tests.Infrastructure;

namespace CaseApi.Tests.Auth;

/// <summary>The API logging everything down to Debug, ASP.NET Core and EF Core included, for the no-secrets-in-logs test.</summary>
public sealed class VerboseLoggingFactory : CaseApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Serilog:MinimumLevel:Default"] = "Debug",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Debug",
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Debug",
        ["Serilog:MinimumLevel:Override:System.Net.Http"] = "Debug",
    };
}
