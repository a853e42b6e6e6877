using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// Checkpoints SQLite's write-ahead log every <see cref="Interval"/> when something was committed, so that no commit (a
/// rollback's) carries out a checkpoint and its syncs itself (see <see cref="SqliteConnectionFactory"/>). On PostgreSQL
/// it stops at once. A failed checkpoint is logged and tried again at the next tick: it loses nothing, the log only
/// grows until one succeeds.
/// </summary>
public sealed class WalCheckpointer(IDbConnectionFactory connections, ILogger<WalCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>Time between checkpoints; a test may shorten it.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connections.Provider != StorageProvider.Sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await connections.CheckpointAsync(stoppingToken);
                    failing = false;
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // Once per run of failures: a database away for an hour must not write 3,600 warnings.
                    if (!failing)
                    {
                        logger.LogWarning(exception, "The write-ahead log could not be checkpointed; trying again every {Interval}", Interval);
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: closing the last connection checkpoints what is left.
        }
    }
}
