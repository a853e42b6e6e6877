using System.Collections.Concurrent;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// Rollbacks carried out here while the database was away and not written yet, oldest first. Shared by
/// <see cref="DeferredRollbacks"/> (which writes them) and the snapshot store (which shows them on every surface of the
/// rollout meanwhile, <see cref="UnsavedRollbackOverlay"/>); it has no dependencies, so both can hold it.
/// </summary>
public sealed class UnsavedRollbacks
{
    private readonly ConcurrentQueue<DeferredRollback> _pending = new();

    /// <summary>Raised with the rollout's id after a rollback is added or written.</summary>
    public event Action<long>? Changed;

    public int Count => _pending.Count;

    public IReadOnlyList<DeferredRollback> Pending => _pending.ToArray();

    /// <summary>A rollback of this rollout carried out while storage was away and not yet written.</summary>
    public DeferredRollback? Find(long rolloutId) => _pending.FirstOrDefault(r => r.RolloutId == rolloutId);

    public void Add(DeferredRollback rollback)
    {
        _pending.Enqueue(rollback);
        Changed?.Invoke(rollback.RolloutId);
    }

    public bool TryPeek(out DeferredRollback rollback) => _pending.TryPeek(out rollback!);

    /// <summary>Removes the oldest, once it is written.</summary>
    public void RemoveWritten()
    {
        if (_pending.TryDequeue(out var written))
        {
            Changed?.Invoke(written.RolloutId);
        }
    }
}
