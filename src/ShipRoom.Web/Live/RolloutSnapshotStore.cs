using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// One store, many subscribers: the latest snapshot of every live rollout, and of the most recently finished ones
/// (<see cref="LiveOptions.FinishedRolloutsKept"/>). Components subscribe
/// and are called back at most once per <see cref="NotifyInterval"/> (a burst of changes is one render); hub
/// clients in the rollout's group get <c>RolloutUpdated</c> with what changed since the previous snapshot
/// (<see cref="RolloutUpdate"/>, numbered by a sequence this store hands out; docs/live-updates.md).
/// </summary>
public sealed class RolloutSnapshotStore(IHubContext<RolloutsHub> hub, IOptions<LiveOptions> options, TimeProvider time, ILogger<RolloutSnapshotStore> logger) : ILocalRolloutPublisher
{
    public static readonly TimeSpan NotifyInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<long, Entry> _snapshots = new();
    private readonly ConcurrentDictionary<Guid, Subscription> _subscriptions = new();
    private readonly Lock _publishing = new();
    private long _sequence;

    public RolloutSnapshot? Get(long rolloutId) => _snapshots.GetValueOrDefault(rolloutId)?.Snapshot;

    /// <summary>The snapshot held and the sequence number of the update that brought it: what a hub client starts from.</summary>
    public RolloutState? GetState(long rolloutId) => _snapshots.GetValueOrDefault(rolloutId) is { } entry ? new RolloutState(entry.Sequence, entry.Snapshot) : null;

    /// <summary>The snapshots held now: every live rollout and the most recently finished ones; the rollout list adds the rest from storage.</summary>
    public IReadOnlyList<RolloutSnapshot> All => _snapshots.Values.Select(e => e.Snapshot).OrderByDescending(s => s.Id).ToList();

    public int Count => _snapshots.Count;

    public async Task PublishAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
    {
        var slim = RolloutUpdateBuilder.Slim(snapshot);
        RolloutUpdate update;
        lock (_publishing)
        {
            // A snapshot older than the one held (built before a concurrent change) must not replace it.
            var held = _snapshots.GetValueOrDefault(snapshot.Id);
            if (held is not null && !IsNewer(snapshot, held.Snapshot))
            {
                return;
            }

            // One sequence for the whole store: a rollout forgotten and held again never repeats a number a client has seen.
            var sequence = ++_sequence;
            update = RolloutUpdateBuilder.Between(held?.Sequence ?? 0, held?.Snapshot, held?.Slim, sequence, snapshot, slim);
            _snapshots[snapshot.Id] = new Entry(sequence, snapshot, RolloutUpdateBuilder.Fingerprint(slim));
        }

        if (!snapshot.IsLive)
        {
            ForgetOldFinished();
        }

        foreach (var subscription in _subscriptions.Values.Where(s => s.RolloutId is null || s.RolloutId == snapshot.Id))
        {
            subscription.Callback.Signal();
        }

        try
        {
            await hub.Clients.Group(RolloutsHub.GroupName(snapshot.Id)).SendAsync(RolloutsHub.UpdatedEvent, update, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Pushing rollout {RolloutId} to hub clients failed", snapshot.Id);
        }
    }

    /// <summary>Calls <paramref name="onChange"/> (coalesced) after each new snapshot of the rollout, or of any rollout when null.</summary>
    public IDisposable Subscribe(long? rolloutId, Func<Task> onChange, Action<Exception> onError)
    {
        var id = Guid.NewGuid();
        var subscription = new Subscription(rolloutId, new CoalescingCallback(onChange, NotifyInterval, time, onError));
        _subscriptions[id] = subscription;
        return new Unsubscriber(() =>
        {
            if (_subscriptions.TryRemove(id, out var removed))
            {
                removed.Callback.Dispose();
            }
        });
    }

    public int SubscriberCount => _subscriptions.Count;

    /// <summary>Strictly newer: the same snapshot published twice reaches viewers once.</summary>
    private static bool IsNewer(RolloutSnapshot candidate, RolloutSnapshot current) =>
        candidate.Version > current.Version || (candidate.Version == current.Version && candidate.BuiltAt > current.BuiltAt);

    private void ForgetOldFinished()
    {
        var finished = _snapshots.Values.Where(e => Core.Rollouts.RolloutStateMachine.IsFinished(e.Snapshot.Status)).OrderByDescending(e => e.Snapshot.BuiltAt).ToList();
        foreach (var old in finished.Skip(options.Value.FinishedRolloutsKept))
        {
            _snapshots.TryRemove(new KeyValuePair<long, Entry>(old.Snapshot.Id, old));
        }
    }

    /// <summary>A held snapshot, the sequence number it was published under and its slim JSON's properties as text (what the next update is compared with).</summary>
    private sealed record Entry(long Sequence, RolloutSnapshot Snapshot, IReadOnlyDictionary<string, byte[]> Slim);

    private sealed record Subscription(long? RolloutId, CoalescingCallback Callback);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
