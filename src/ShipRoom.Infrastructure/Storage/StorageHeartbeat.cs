using Dapper;
using Microsoft.Extensions.Hosting;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// While <see cref="StorageReachability"/> says the database is away, asks it <c>SELECT 1</c> every
/// <see cref="Interval"/>; the first answer clears the degraded state (and the banner). On either engine: a command that
/// failed for want of storage may have raised the banner even where no listener connection exists (SQLite).
/// </summary>
public sealed class StorageHeartbeat(IDbConnectionFactory connections, StorageReachability reachability) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>True when storage is (now) reachable. Asks the database only while it is marked unreachable.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (reachability.IsReachable)
        {
            return true;
        }

        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && StorageFailures.IsStorageFailure(exception))
        {
            return false;
        }

        reachability.Reached();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
