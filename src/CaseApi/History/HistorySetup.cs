namespace CaseApi.History;

public static class HistorySetup
{
    public static IServiceCollection AddHistory(this IServiceCollection services)
    {
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<CheckpointLog>();
        return services;
    }
}
