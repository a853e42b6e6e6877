namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>Where a freshly built snapshot goes: the in-process store the components read, the hub, other instances.</summary>
public interface IRolloutPublisher
{
    Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken);
}
