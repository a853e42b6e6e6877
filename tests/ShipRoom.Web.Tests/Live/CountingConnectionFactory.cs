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

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _texts = new();

    private long _statements;

    private long _opens;

    public CountingConnectionFactory(IDbConnectionFactory inner)
    {
        _inner = inner;
        _onStatement = (_, sql) =>
        {
            Interlocked.Increment(ref _statements);
            if (_texts.Count < 10_000)
            {
                _texts.Enqueue(sql.utf8_to_string());
            }
        };
    }

    public long Statements => Interlocked.Read(ref _statements);

    public StorageProvider Provider => _inner.Provider;

    /// <summary>Connections opened since the last <see cref="Reset"/>.</summary>
    public long Opens => Interlocked.Read(ref _opens);

    /// <summary>The statements run since the last <see cref="Reset"/>, as SQLite's legacy trace gives them (with the values bound).</summary>
    public IReadOnlyList<string> Texts => _texts.ToArray();

    public void Reset()
    {
        Interlocked.Exchange(ref _statements, 0);
        Interlocked.Exchange(ref _opens, 0);
        _texts.Clear();
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _inner.OpenAsync(cancellationToken);
        Interlocked.Increment(ref _opens);
        var sqlite = connection as SqliteConnection ?? throw new InvalidOperationException("statements are counted on SQLite only");
        SQLitePCL.raw.sqlite3_trace(sqlite.Handle, _onStatement, null);
        return connection;
    }
}
