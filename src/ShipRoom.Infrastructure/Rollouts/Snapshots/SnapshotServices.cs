using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

public static class SnapshotServices
{
    public static IServiceCollection AddSnapshots(this IServiceCollection services)
    {
        services.AddSingleton<SampleWindows>();
        services.AddSingleton<RolloutAssessor>();
        services.AddSingleton<DraftViewReader>();
        services.AddSingleton<RolloutViewReader>();
        services.AddSingleton<LastKnownSnapshots>();
        services.AddSingleton<SnapshotBuilder>();
        services.AddSingleton<SnapshotRefresher>();
        return services;
    }
}
