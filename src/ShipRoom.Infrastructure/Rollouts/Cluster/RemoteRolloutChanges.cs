using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>
/// Changes other instances made, applied here: each rollout named is rebuilt from storage and published to this
/// instance's viewers only. A burst of announcements for one rollout while it waits is one rebuild. A rebuild that fails
/// (the database blinked) is tried again after 0.5, 1, 2, 4 and 8 s; after that the rollout is parked and rebuilt when
/// the listener next hears the database answer (<see cref="RetryParked"/>), another rebuild succeeds, or another
/// announcement names it.
/// </summary>
public sealed class RemoteRolloutChanges(SnapshotBuilder snapshots, ILocalRolloutPublisher local, IRolloutRepository rollouts, LastKnownSnapshots lastKnown, ILogger<RemoteRolloutChanges> logger)
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private static readonly TimeSpan[] RetryPauses = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    private readonly ConcurrentDictionary<long, byte> _waiting = new();
    private readonly ConcurrentDictionary<long, int> _failures = new();
    private readonly ConcurrentDictionary<long, byte> _parked = new();
    private long _applied;
    private long _failed;

    /// <summary>Snapshots rebuilt here because another instance changed the rollout.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Rebuilds that failed (each is tried again, or parked).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Rollouts whose rebuild failed every retry, waiting for the database to answer again.</summary>
    public IReadOnlyCollection<long> Parked => _parked.Keys.ToList();

    /// <summary>The database answers again: every parked rollout is rebuilt.</summary>
    public void RetryParked()
    {
        foreach (var id in _parked.Keys)
        {
            if (_parked.TryRemove(id, out _))
            {
                Enqueue(id);
            }
        }
    }

    public void Enqueue(long rolloutId)
    {
        if (_waiting.TryAdd(rolloutId, 0))
        {
            _queue.Writer.TryWrite(rolloutId);
        }
    }

    /// <summary>
    /// After the listener reconnects announcements may have been missed: every rollout live in storage, and every one
    /// this instance still holds as live (it may have finished meanwhile), is rebuilt.
    /// </summary>
    public async Task EnqueueEveryLiveAsync(CancellationToken cancellationToken)
    {
        var stored = await rollouts.ListAsync(cancellationToken);
        foreach (var id in stored.Where(r => RolloutStateMachine.IsLive(r.Status)).Select(r => r.Id).Concat(lastKnown.Ids).Distinct())
        {
            Enqueue(id);
        }
    }

    /// <summary>Applies queued changes one at a time until the instance stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var rolloutId in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            _waiting.TryRemove(rolloutId, out _);
            try
            {
                if (await snapshots.BuildAsync(rolloutId, cancellationToken) is { } snapshot)
                {
                    await local.PublishAsync(snapshot, cancellationToken);
                    Interlocked.Increment(ref _applied);
                }

                _failures.TryRemove(rolloutId, out _);
                _parked.TryRemove(rolloutId, out _);
                if (!_parked.IsEmpty)
                {
                    // Storage answered this rebuild: the parked ones need not wait for the listener's heartbeat.
                    RetryParked();
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                var failures = _failures.AddOrUpdate(rolloutId, 1, (_, n) => n + 1);
                if (failures <= RetryPauses.Length)
                {
                    logger.LogWarning("Rebuilding rollout {RolloutId} after another instance changed it failed ({Error}); trying again in {Pause} ms",
                        rolloutId, exception.Message, RetryPauses[failures - 1].TotalMilliseconds);
                    _ = RetryLaterAsync(rolloutId, RetryPauses[failures - 1], cancellationToken);
                }
                else
                {
                    // Its viewers see the snapshot they have turn STALE on their own clock meanwhile.
                    _failures.TryRemove(rolloutId, out _);
                    _parked.TryAdd(rolloutId, 0);
                    logger.LogError("Rebuilding rollout {RolloutId} failed {Attempts} times ({Error}); it is rebuilt when the database answers again",
                        rolloutId, failures, exception.Message);
                }
            }
        }
    }

    private async Task RetryLaterAsync(long rolloutId, TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(pause, cancellationToken);
            Enqueue(rolloutId);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
