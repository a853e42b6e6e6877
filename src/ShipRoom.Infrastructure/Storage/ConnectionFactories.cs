using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>SQLite: a file under data/ (its folder created on first use), foreign keys on, SQLite's own busy wait.</summary>
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
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _prepared = [];

    private readonly StorageCounters? _counters;

    // Held in a field so the native side never calls a collected delegate; null unless statements are counted.
    private readonly SQLitePCL.delegate_trace? _onStatement;

    public SqliteConnectionFactory(string connectionString, StorageCounters? counters = null, bool countStatements = false)
    {
        _counters = counters;
        if (counters is not null && countStatements)
        {
            _onStatement = (_, sql) =>
            {
                // Runs inside SQLite's callback: nothing may escape it (an exception there ends the process).
                try
                {
                    if (!TracedText.StartsWith(sql, TracedText.TriggerEntry))
                    {
                        counters.StatementRan(TracedText.StartsWith(sql, TracedText.SampleWrite));
                    }
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                }
            };
        }

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
                command.CommandText = $"PRAGMA foreign_keys = 1; PRAGMA busy_timeout = {BusyTimeoutMs}";
                await command.ExecuteNonQueryAsync(cancellationToken);
                if (_onStatement is not null)
                {
                    SQLitePCL.raw.sqlite3_trace(connection.Handle, _onStatement, null);
                }

                _prepared.AddOrUpdate(connection.Handle!, this);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        _counters?.ConnectionOpened();
        return connection;
    }

    /// <summary>The text SQLite's legacy trace gives (parameters expanded), read in place without making a string of it.</summary>
    private static class TracedText
    {
        public static readonly byte[] SampleWrite = "INSERT INTO metric_samples"u8.ToArray();

        /// <summary>
        /// The legacy trace reports a trigger that fires, and each of its steps, as lines of their own that begin with
        /// "-- " ("-- TRIGGER name", "-- INSERT INTO ..."): not statements anyone sent, and none of ShipRoom's begins so.
        /// </summary>
        public static readonly byte[] TriggerEntry = "-- "u8.ToArray();

        public static bool StartsWith(SQLitePCL.utf8z sql, byte[] prefix)
        {
            ref var first = ref System.Runtime.CompilerServices.Unsafe.AsRef(in sql.GetPinnableReference());
            // No text at all (SQLite could not expand it): nothing to read.
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref first))
            {
                return false;
            }

            for (var i = 0; i < prefix.Length; i++)
            {
                // Stops at the terminating zero (no prefix holds one): never reads past a shorter text.
                if (System.Runtime.CompilerServices.Unsafe.Add(ref first, i) != prefix[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>PostgreSQL through one pooled data source for the process.</summary>
public sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource, StorageCounters? counters = null) : IDbConnectionFactory, IAsyncDisposable
{
    public StorageProvider Provider => StorageProvider.Postgres;

    public WriteTurns Writes { get; } = new(singleWriter: false);

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        counters?.ConnectionOpened();
        return connection;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}

/// <summary>Creates the real factory the first time a connection (or the provider) is asked for.</summary>
public sealed class DeferredConnectionFactory(Func<IDbConnectionFactory> create) : IDbConnectionFactory, IAsyncDisposable
{
    private readonly Lazy<IDbConnectionFactory> _inner = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

    public StorageProvider Provider => _inner.Value.Provider;

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => _inner.Value.OpenAsync(cancellationToken);

    public WriteTurns Writes => _inner.Value.Writes;

    public async ValueTask DisposeAsync()
    {
        if (_inner.IsValueCreated && _inner.Value is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}

/// <summary>
/// The factory every repository gets: inside a <see cref="SharedConnectionScope"/> it lends the scope's connection when
/// it is free, and otherwise opens one from the engine's factory as before.
/// </summary>
public sealed class SharingConnectionFactory(IDbConnectionFactory engine) : IDbConnectionFactory, IAsyncDisposable
{
    public StorageProvider Provider => engine.Provider;

    public WriteTurns Writes => engine.Writes;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        SharedConnectionScope.Current is { } scope && await scope.TryLendAsync(engine, cancellationToken) is { } lent
            ? lent
            : await engine.OpenAsync(cancellationToken);

    public ValueTask DisposeAsync() => engine is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
