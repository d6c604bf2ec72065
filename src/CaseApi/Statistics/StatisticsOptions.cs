using System.ComponentModel.DataAnnotations;

namespace CaseApi.Statistics;

/// <summary>Configuration section "Statistics".</summary>
public sealed class StatisticsOptions
{
    public const string Section = "Statistics";
    public const long DefaultMaxFilledCells = 100_000;

    /// <summary>
    /// The largest grid fill=zero may build (years × series). From 1901 to 9999 by state and tradecraft is millions of
    /// rows and seconds of database time; every real dashboard's grid is a few thousand.
    /// </summary>
    [Range(1, 100_000_000)]
    public long MaxFilledCells { get; set; } = DefaultMaxFilledCells;
}

public static class StatisticsSetup
{
    public static IServiceCollection AddStatistics(this IServiceCollection services)
    {
        services.AddOptions<StatisticsOptions>().BindConfiguration(StatisticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
