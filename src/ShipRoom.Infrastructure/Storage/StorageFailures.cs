using System.Data.Common;

namespace ShipRoom.Infrastructure.Storage;

public static class StorageFailures
{
    /// <summary>The database could not be reached or did not answer (as opposed to a query it refused).</summary>
    public static bool IsStorageFailure(Exception exception) =>
        exception is DbException or TimeoutException or System.Net.Sockets.SocketException ||
        (exception.InnerException is { } inner && IsStorageFailure(inner));
}
