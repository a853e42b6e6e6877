using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>
/// Changes other instances made, applied here: each rollout named is rebuilt from storage and published to this
/// instance's viewers only. A burst of announcements for one rollout while it waits is one rebuild.
/// </summary>
public sealed class RemoteRolloutChanges(SnapshotBuilder snapshots, ILocalRolloutPublisher local, IRolloutRepository rollouts, LastKnownSnapshots lastKnown, ILogger<RemoteRolloutChanges> logger)
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, byte> _waiting = new();
    private long _applied;

    /// <summary>Snapshots rebuilt here because another instance changed the rollout.</summary>
    public long Applied => Interlocked.Read(ref _applied);

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
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage away: the listener loses its connection too and refreshes every live rollout when it is back.
                logger.LogWarning("Rebuilding rollout {RolloutId} after another instance changed it failed: {Error}", rolloutId, exception.Message);
            }
        }
    }
}
