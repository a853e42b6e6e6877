using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Opens connections to the configured engine; every repository goes through it.</summary>
public interface IDbConnectionFactory
{
    StorageProvider Provider { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Who writes next, where the engine has a single writer (SQLite); <see cref="WriteTurns.None"/> elsewhere.</summary>
    WriteTurns Writes => WriteTurns.None;
}
