using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Opens connections to the configured engine; every repository goes through it.</summary>
public interface IDbConnectionFactory
{
    StorageProvider Provider { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Who writes next: commands before background writes, which on a single writer (SQLite) also take turns.</summary>
    WriteTurns Writes => WriteTurns.None;
}
