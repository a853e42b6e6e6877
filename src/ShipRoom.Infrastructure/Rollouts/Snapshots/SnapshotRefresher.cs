using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>After any change to a rollout: build its snapshot once and hand it to every viewer.</summary>
public sealed class SnapshotRefresher(SnapshotBuilder snapshots, IRolloutPublisher publisher, ILogger<SnapshotRefresher> logger) : IAsyncDisposable
{
    /// <summary>How long shutting down waits for the snapshots still being built for changes already answered.</summary>
    public static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(10);

    // The snapshots under way for changes already answered, each with its rollout (a handful at most).
    private readonly ConcurrentDictionary<Task<RolloutSnapshot?>, long> _soon = new();

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
            // It goes on beside the caller: its reads share a connection of their own (borrowing the caller's, it would
            // leave the caller to open another).
            await using var shared = Storage.SharedConnectionScope.Begin();
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
        _soon.TryAdd(refresh, rolloutId);
        _ = refresh.ContinueWith(done => _soon.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return refresh;
    }

    /// <summary>
    /// The snapshots under way for changes of the rollout this instance already answered, if any: a reader waits for
    /// them, so that whoever gave a command and then reads the rollout here sees what the command did.
    /// </summary>
    public Task Pending(long rolloutId)
    {
        if (_soon.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var under = _soon.Where(s => s.Value == rolloutId).Select(s => s.Key).ToArray();
        return under.Length == 0 ? Task.CompletedTask : Task.WhenAll(under);
    }

    /// <summary>As <see cref="Pending"/>, for every rollout: what a reader of the whole list waits for.</summary>
    public Task AllPending() => _soon.IsEmpty ? Task.CompletedTask : Task.WhenAll(_soon.Keys);

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
