using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

public static class ClusterServices
{
    /// <summary>
    /// Instances on one PostgreSQL tell each other about changes. The host registers its viewers as
    /// <see cref="Snapshots.ILocalRolloutPublisher"/> and <see cref="ClusterPublisher"/> as the publisher.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<RolloutChangeAnnouncer>();
        services.AddSingleton<RemoteRolloutChanges>();
        services.AddSingleton<RolloutChangeListener>();
        services.AddHostedService(provider => provider.GetRequiredService<RolloutChangeListener>());
        return services;
    }
}
