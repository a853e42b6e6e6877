using System.Collections.Concurrent;
using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>
/// The last snapshot this instance built of each live rollout: what a rollback knows of the release and phase when the
/// database is gone. Finished rollouts leave it, so it holds no more than the rollouts being run now.
/// </summary>
public sealed class LastKnownSnapshots
{
    private readonly ConcurrentDictionary<long, RolloutSnapshot> _live = new();

    public RolloutSnapshot? Get(long rolloutId) => _live.GetValueOrDefault(rolloutId);

    public int Count => _live.Count;

    /// <summary>The rollouts this instance last saw live.</summary>
    public IReadOnlyList<long> Ids => _live.Keys.ToList();

    public void Remember(RolloutSnapshot snapshot)
    {
        if (RolloutStateMachine.IsFinished(snapshot.Status))
        {
            _live.TryRemove(snapshot.Id, out _);
            return;
        }

        _live.AddOrUpdate(snapshot.Id, snapshot, (_, current) => snapshot.Version > current.Version || (snapshot.Version == current.Version && snapshot.BuiltAt > current.BuiltAt) ? snapshot : current);
    }
}
