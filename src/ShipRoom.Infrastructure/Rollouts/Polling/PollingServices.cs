using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Rollouts.Polling;

public static class PollingServices
{
    public static IServiceCollection AddPolling(this IServiceCollection services)
    {
        services.AddSingleton<MetricReader>();
        services.AddSingleton<PollStore>();
        services.AddSingleton<AutomaticActions>();
        services.AddSingleton<RolloutPoller>();
        return services;
    }
}
