using System.Diagnostics.Metrics;
using CaseApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Resilience;

/// <summary>The service over the pair: writes and point reads on the primary, lists, statistics and exports routed by lag and tokens.</summary>
public sealed class StandbyFactory(StandbyPair pair, double maxLagSeconds) : CaseApiFactory
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Existing(pair.Primary));

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:CasesReadOnly"] = StandbyPair.AsService(pair.Standby),
        ["ReadRouting:MaxLagSeconds"] = maxLagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Checked often, so that a test sees a paused or stopped standby within a few of its requests.
        ["ReadRouting:CheckIntervalMilliseconds"] = "50",
        ["ReadRouting:ConsistencyWaitMilliseconds"] = "2000",
    };

    /// <summary>Counts the service's routed reads by target and reason ("standby/lag-within-bound"), from its own meter.</summary>
    public MeterListener CountReads(Dictionary<string, int> counts)
    {
        var scope = Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Name == "caseapi.reads") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var key = $"{Tag(tags, "target")}/{Tag(tags, "reason")}";
            lock (counts) counts[key] = counts.GetValueOrDefault(key) + (int)value;
        });
        listener.Start();
        return listener;
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags) if (tag.Key == name) return tag.Value?.ToString();
        return null;
    }
}
