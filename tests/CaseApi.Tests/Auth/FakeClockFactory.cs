using CaseApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CaseApi.Tests.Auth;

/// <summary>The API on a clock the test moves, for behaviour that depends on time passing (key expiry).</summary>
public sealed class FakeClockFactory : CaseApiFactory
{
    /// <summary>Starts at the real time, so expiry times a client picks from its own clock are in this clock's future.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}
