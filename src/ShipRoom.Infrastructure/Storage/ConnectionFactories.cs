using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// SQLite: a file under data/ (its folder created on first use), foreign keys on, SQLite's own busy wait, and the
/// write-ahead log copied into the database file by <see cref="WalCheckpointer"/> rather than by whichever commit fills it.
/// </summary>
public sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    /// <summary>How long a statement waits for another connection's write to end before "database is locked".</summary>
    public const int BusyTimeoutMs = 30_000;

    private readonly string _connectionString;

    // Foreign keys are a setting of the native connection, which the pool keeps open between uses: it is switched on
    // once per native connection, not on every open (the connection string's "Foreign Keys=True" sends the PRAGMA on
    // each open: 22 of a poll's 48 statements). Nothing in ShipRoom switches them off again on a connection; code that
    // ever did would have to say so here. The bundled SQLite happens to default to on; this does not rely on it.
    // The busy timeout is set the same way. Without it Microsoft.Data.Sqlite retries a locked statement itself after
    // sleeping 150 ms each time, so a rollback that met a poll's write lost 150 ms per statement (bench: 3 × 150 ms);
    // SQLite's own busy handler tries again after 1, 2, 5, 10 ... ms, never more than 100 ms apart.
    // SQLite copies the write-ahead log into the database file (a checkpoint, with its syncs) inside the commit that
    // takes the log past wal_autocheckpoint pages, 1,000 by default: now and then a rollback's commit, which then waited
    // for the syncs (bench: one rollback in 20 at 58-68 ms where the rest took under 21 ms). Commits here only note that
    // they wrote, and WalCheckpointer checkpoints in the background. The threshold stays, ten times higher, as a
    // backstop should the background checkpoints stop (or never start: a tool without a host).
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _prepared = [];

    /// <summary>The log's size, in pages, at which a commit still checkpoints itself.</summary>
    public const int BackstopCheckpointPages = 10_000;

    // Held in a field: the native side calls it, and a collected delegate would crash the process.
    private readonly SQLitePCL.delegate_commit _onCommit;

    private int _committed;

    public SqliteConnectionFactory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = null, DefaultTimeout = 30 };
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        _connectionString = builder.ToString();
        _onCommit = _ =>
        {
            Volatile.Write(ref _committed, 1);
            return 0; // 0 lets the commit go on.
        };
    }

    public StorageProvider Provider => StorageProvider.Sqlite;

    public WriteTurns Writes { get; } = new();

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_prepared.TryGetValue(connection.Handle!, out _))
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"PRAGMA foreign_keys = 1; PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA wal_autocheckpoint = {BackstopCheckpointPages}";
                await command.ExecuteNonQueryAsync(cancellationToken);
                SQLitePCL.raw.sqlite3_commit_hook(connection.Handle, _onCommit, null);
                _prepared.AddOrUpdate(connection.Handle!, this);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        return connection;
    }

    /// <summary>
    /// A passive checkpoint, in the background writers' turn (after any command in flight): it copies the frames no
    /// reader still needs and never waits for readers or writers. Nothing is asked of the database when nothing was
    /// committed since the last checkpoint; a checkpoint that could not copy every frame (a reader held them) or failed
    /// is tried again next time.
    /// </summary>
    public async Task<int> CheckpointAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _committed, 0) == 0)
        {
            return 0;
        }

        var complete = false;
        try
        {
            using var turn = await Writes.BackgroundAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (busy, logFrames, copied) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            complete = busy == 0 && copied == logFrames;
            return Math.Max(copied, 0); // -1 when the database is not in WAL mode (in memory)
        }
        finally
        {
            if (!complete)
            {
                Volatile.Write(ref _committed, 1);
            }
        }
    }
}

/// <summary>PostgreSQL through one pooled data source for the process.</summary>
public sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource) : IDbConnectionFactory, IAsyncDisposable
{
    public StorageProvider Provider => StorageProvider.Postgres;

    public WriteTurns Writes { get; } = new(singleWriter: false);

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}

/// <summary>Creates the real factory the first time a connection (or the provider) is asked for.</summary>
public sealed class DeferredConnectionFactory(Func<IDbConnectionFactory> create) : IDbConnectionFactory, IAsyncDisposable
{
    private readonly Lazy<IDbConnectionFactory> _inner = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

    public StorageProvider Provider => _inner.Value.Provider;

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => _inner.Value.OpenAsync(cancellationToken);

    public WriteTurns Writes => _inner.Value.Writes;

    public Task<int> CheckpointAsync(CancellationToken cancellationToken) => _inner.Value.CheckpointAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_inner.IsValueCreated && _inner.Value is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
