using System.Data.Common;
using Microsoft.Data.Sqlite;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// The real SQLite connection factory with SQLite's own statement trace switched on: every statement the engine runs
/// on a connection opened here is counted, whoever sent it (a repository, the migration runner, a health check).
/// </summary>
public sealed class CountingConnectionFactory : IDbConnectionFactory
{
    private readonly IDbConnectionFactory _inner;

    // Held in a field so the native side never calls a collected delegate.
    private readonly SQLitePCL.delegate_trace _onStatement;

    private long _statements;

    public CountingConnectionFactory(IDbConnectionFactory inner)
    {
        _inner = inner;
        _onStatement = (_, _) => Interlocked.Increment(ref _statements);
    }

    public long Statements => Interlocked.Read(ref _statements);

    public StorageProvider Provider => _inner.Provider;

    public void Reset() => Interlocked.Exchange(ref _statements, 0);

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _inner.OpenAsync(cancellationToken);
        var sqlite = connection as SqliteConnection ?? throw new InvalidOperationException("statements are counted on SQLite only");
        SQLitePCL.raw.sqlite3_trace(sqlite.Handle, _onStatement, null);
        return connection;
    }
}
