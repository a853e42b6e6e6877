using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ShipRoom.Infrastructure.Security;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>
/// <c>LISTEN shiproom_rollouts</c> on one long-lived connection of its own (not from the pool), for as long as the
/// instance runs. Another instance's announcement queues a rebuild of that rollout; this instance's own are ignored.
/// A lost connection is opened again with a growing pause (0.5 s doubling to 10 s); after a reconnect every live
/// rollout is rebuilt, since announcements sent meanwhile are gone. It also tells <see cref="StorageReachability"/>
/// whether the database answers: a heartbeat runs when nothing was heard for <see cref="Heartbeat"/>, and a heartbeat
/// that answers clears the degraded state a failed command may have set. It also hears token revocations
/// (<see cref="TokenRevocationBroadcast"/>) and drops the token from this instance's outage cache; after a reconnect the
/// whole cache is dropped, since revocations sent meanwhile are gone.
/// On SQLite there is one instance and it does nothing.
/// </summary>
public sealed class RolloutChangeListener(
    IDbConnectionFactory connections,
    IOptions<StorageOptions> storage,
    InstanceIdentity instance,
    RemoteRolloutChanges remote,
    StorageReachability reachability,
    ValidatedTokens validatedTokens,
    ILogger<RolloutChangeListener> logger) : BackgroundService
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);

    private int _connections;

    /// <summary>How many times the listening connection has been opened (1 = never lost).</summary>
    public int Connections => Volatile.Read(ref _connections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connections.Provider != StorageProvider.Postgres)
        {
            return;
        }

        var applying = remote.RunAsync(stoppingToken);
        var pause = FirstPause;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => pause = FirstPause, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                reachability.Lost("the database does not answer");
                logger.LogWarning("Listening for other instances' changes failed ({Error}); trying again in {Pause} ms", exception.Message, pause.TotalMilliseconds);
                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }

        try
        {
            await applying;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task ListenAsync(Action connected, CancellationToken cancellationToken)
    {
        // Its own physical connection: a pooled one could be handed back and the LISTEN lost with it.
        var builder = new NpgsqlConnectionStringBuilder(storage.Value.ConnectionString) { Pooling = false, Timeout = 5, CommandTimeout = 5 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == TokenRevocationBroadcast.Channel)
            {
                if (TokenRevocationBroadcast.Parse(e.Payload) is { } tokenId)
                {
                    validatedTokens.Forget(tokenId);
                    logger.LogInformation("API token {TokenId} was revoked; it is no longer accepted from this instance's outage cache", tokenId);
                }
            }
            else if (RolloutChange.Parse(e.Payload) is { } change && change.Instance != instance.Id)
            {
                remote.Enqueue(change.RolloutId);
            }
        };
        await connection.OpenAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {RolloutChange.Channel}; LISTEN {TokenRevocationBroadcast.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        var reconnected = Interlocked.Increment(ref _connections) > 1;
        reachability.Reached();
        remote.RetryParked();
        connected();
        logger.LogInformation("Listening for other instances' changes on {Channel}", RolloutChange.Channel);
        if (reconnected)
        {
            validatedTokens.ForgetAll();
            await remote.EnqueueEveryLiveAsync(cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(Heartbeat, cancellationToken))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(cancellationToken);
                // The database answers: a banner a failed command raised (it may never have reached this connection) goes,
                // and rebuilds that failed every retry are tried again.
                reachability.Reached();
                remote.RetryParked();
            }
        }
    }
}
