using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Rollouts;

public static class RolloutBasics
{
    /// <summary>What every rollout area shares: parsed plans and the poll schedule.</summary>
    public static IServiceCollection AddRolloutBasics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PollScheduleOptions, PollScheduleOptionsValidator>(configuration, ConfigurationKeys.PollingSection);
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<PollScheduleOptions>>().Value);
        services.AddSingleton<PlanCache>();
        return services;
    }
}
