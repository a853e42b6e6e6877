namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>After any change to a rollout: build its snapshot once and hand it to every viewer.</summary>
public sealed class SnapshotRefresher(SnapshotBuilder snapshots, IRolloutPublisher publisher)
{
    public async Task<RolloutSnapshot?> RefreshAsync(long rolloutId, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Publish, rolloutId);
        var snapshot = await snapshots.BuildAsync(rolloutId, cancellationToken);
        if (snapshot is not null)
        {
            await publisher.PublishAsync(snapshot, cancellationToken);
        }

        return snapshot;
    }
}
