using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>After any change to a rollout: build its snapshot once and hand it to every viewer.</summary>
public sealed class SnapshotRefresher(SnapshotBuilder snapshots, IRolloutPublisher publisher, ILogger<SnapshotRefresher> logger) : IAsyncDisposable
{
    /// <summary>How long shutting down waits for the snapshots still being built for changes already answered.</summary>
    public static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Task, byte> _soon = new();
    private readonly ConcurrentDictionary<long, Task<RolloutSnapshot?>> _latestSoon = new();

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

    /// <summary>
    /// As <see cref="RefreshAsync"/>, on the pool, so that a command answers once its change is stored rather than once
    /// the snapshot is built (tens of milliseconds on a busy database). It is not cancelled with the caller: the change is
    /// stored, and every viewer must see it. The task never faults: a failure is logged, and the next poll publishes.
    /// </summary>
    public Task<RolloutSnapshot?> RefreshSoon(long rolloutId)
    {
        var refresh = Task.Run(async () =>
        {
            try
            {
                return await RefreshAsync(rolloutId, CancellationToken.None);
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Rollout {RolloutId} changed, but its snapshot could not be built or published; viewers see the change with its next snapshot (a poll, a command, or a page opened afresh)", rolloutId);
                return null;
            }
        });
        _soon.TryAdd(refresh, 0);
        _latestSoon[rolloutId] = refresh;
        _ = refresh.ContinueWith(done =>
        {
            _soon.TryRemove(done, out _);
            _latestSoon.TryRemove(new KeyValuePair<long, Task<RolloutSnapshot?>>(rolloutId, refresh));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return refresh;
    }

    /// <summary>
    /// The snapshot under way for a change this instance already answered, if any: a reader waits for it, so that whoever
    /// gave a command and then reads the rollout here sees what the command did.
    /// </summary>
    public Task Pending(long rolloutId) => _latestSoon.TryGetValue(rolloutId, out var refresh) ? refresh : Task.CompletedTask;

    /// <summary>As <see cref="Pending"/>, for every rollout: what a reader of the whole list waits for.</summary>
    public Task AllPending() => _latestSoon.IsEmpty ? Task.CompletedTask : Task.WhenAll(_latestSoon.Values);

    /// <summary>The storage these snapshots read is disposed after this: let the ones under way finish first (bounded).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_soon.Keys).WaitAsync(DrainWait);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Shutting down with {Count} snapshot(s) still being built after {Wait}", _soon.Count, DrainWait);
        }
    }
}
