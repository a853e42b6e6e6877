using Dapper;
using Microsoft.Extensions.Logging;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>
/// Sends <c>NOTIFY shiproom_rollouts</c> after a change on PostgreSQL; on SQLite there is one instance and nothing to
/// tell. A failed announcement is logged, never thrown: the change is stored, and the other instances catch up when
/// their listener reconnects (it refreshes every live rollout then).
/// </summary>
public sealed class RolloutChangeAnnouncer(IDbConnectionFactory connections, InstanceIdentity instance, ILogger<RolloutChangeAnnouncer> logger)
{
    private long _sent;

    /// <summary>Announcements sent by this instance.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public async Task AnnounceAsync(RolloutSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (connections.Provider != StorageProvider.Postgres)
        {
            return;
        }

        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @payload)",
                new { channel = RolloutChange.Channel, payload = new RolloutChange(snapshot.Id, snapshot.Version, instance.Id).ToPayload() }, cancellationToken: cancellationToken));
            Interlocked.Increment(ref _sent);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && StorageFailures.IsStorageFailure(exception))
        {
            logger.LogWarning("Could not tell the other instances about rollout {RolloutId} v{Version}: {Error}", snapshot.Id, snapshot.Version, exception.Message);
        }
    }
}
