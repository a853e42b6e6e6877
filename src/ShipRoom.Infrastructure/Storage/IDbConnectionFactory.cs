using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Opens connections to the configured engine; every repository goes through it.</summary>
public interface IDbConnectionFactory
{
    StorageProvider Provider { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Who writes next: commands before background writes, which on a single writer (SQLite) also take turns.</summary>
    WriteTurns Writes => WriteTurns.None;

    /// <summary>
    /// Copies what the write-ahead log holds into the database file, if anything was committed since the last time, and
    /// returns the log frames copied. Only SQLite has such a step to take off the commits; elsewhere it does nothing.
    /// </summary>
    Task<int> CheckpointAsync(CancellationToken cancellationToken) => Task.FromResult(0);
}
