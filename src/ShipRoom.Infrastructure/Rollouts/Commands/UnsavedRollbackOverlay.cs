using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// A rollback made here while the database was away is not in storage yet, so a snapshot built from storage (or the
/// last one built before the outage) still says "Running". Laid over the snapshot where it is published, every surface
/// that reads it — header, wall screen, action bar, rollout list, API, hub clients — shows the state the rollback will
/// be written with (<see cref="DeferredRollback.Status"/>) and says it is not saved yet.
/// </summary>
public static class UnsavedRollbackOverlay
{
    public static RolloutSnapshot Apply(RolloutSnapshot snapshot, DeferredRollback? rollback)
    {
        if (rollback is null || RolloutStateMachine.IsFinished(snapshot.Status))
        {
            // Nothing waits, or storage already has the rollout over: what storage says stands.
            return snapshot;
        }

        var measured = rollback.Result is { Acknowledged: true, RecordedOnly: false } ? rollback.AcknowledgedAt : null;
        var requested = snapshot.Rollback.RequestedAt ?? rollback.RequestedAt;
        var took = measured - requested;
        return snapshot with
        {
            Status = rollback.Status,
            Rollback = snapshot.Rollback with
            {
                RequestedAt = requested,
                AcknowledgedAt = measured,
                Took = took,
                WithinBudget = took is { } t ? t <= snapshot.Rollback.Budget : null,
                Error = rollback.Result.Acknowledged ? null : rollback.Result.Error,
                RecordedOnly = rollback.Result.RecordedOnly,
            },
            Unsaved = new UnsavedRollback(rollback.Actor, rollback.RequestedAt, rollback.Result.Acknowledged, rollback.Result.RecordedOnly, rollback.Result.Error),
        };
    }
}
