using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>
/// Where a change made on this instance goes: to this instance's viewers first, then announced to the other instances
/// (on PostgreSQL), each of which rebuilds the rollout's snapshot from storage for its own viewers.
/// </summary>
public sealed class ClusterPublisher(ILocalRolloutPublisher local, RolloutChangeAnnouncer announcer) : IRolloutPublisher
{
    public async Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
    {
        await local.PublishAsync(snapshot, cancellationToken);
        await announcer.AnnounceAsync(snapshot, cancellationToken);
    }
}
