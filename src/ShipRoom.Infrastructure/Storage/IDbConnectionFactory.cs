using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>Opens connections to the configured engine; every repository goes through it.</summary>
public interface IDbConnectionFactory
{
    StorageProvider Provider { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);
}
