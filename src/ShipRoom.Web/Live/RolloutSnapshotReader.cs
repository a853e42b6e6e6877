using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>Reads snapshots from the store, building (and publishing) one only when this instance has none yet.</summary>
public sealed class RolloutSnapshotReader(RolloutSnapshotStore store, SnapshotBuilder builder, SnapshotRefresher refresher)
{
    private readonly SemaphoreSlim _building = new(1, 1);

    /// <summary>The snapshot held and its update sequence number (see <see cref="RolloutSnapshotStore.GetState"/>).</summary>
    public RolloutState? State(long rolloutId) => store.GetState(rolloutId);

    /// <summary>Waits for the snapshots under way for changes this instance already answered (see <see cref="SnapshotRefresher.Pending"/>).</summary>
    public Task AllPendingAsync(CancellationToken cancellationToken) => refresher.AllPending().WaitAsync(cancellationToken);

    public async Task<RolloutSnapshot?> GetAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await refresher.Pending(rolloutId).WaitAsync(cancellationToken);
        if (store.Get(rolloutId) is { } cached)
        {
            return cached;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            if (store.Get(rolloutId) is { } built)
            {
                return built;
            }

            var snapshot = await builder.BuildAsync(rolloutId, cancellationToken);
            if (snapshot is not null)
            {
                await store.PublishAsync(snapshot, cancellationToken);
            }

            return snapshot;
        }
        finally
        {
            _building.Release();
        }
    }
}
