using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>
/// SQLite's commits leave the write-ahead log to <see cref="WalCheckpointer"/>: a commit that fills the log no longer
/// copies it into the database file, with its syncs, while someone waits for that commit.
/// </summary>
public sealed class WalCheckpointTests : IDisposable
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    // About one page each, so that every commit adds at least one frame to the log.
    private static readonly byte[] Row = new byte[3_000];

    private readonly string _directory = Directory.CreateTempSubdirectory("shiproom-wal-").FullName;

    // Closing a database's last connection checkpoints it, and other tests clear every pool of the process whenever
    // they like: a connection of its own, outside any pool and idle once it has read, keeps the database open.
    private SqliteConnection? _holder;

    private string DatabasePath => Path.Combine(_directory, "shiproom.db");

    public void Dispose()
    {
        _holder?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Commits_past_SQLites_own_threshold_leave_every_frame_to_the_checkpoint()
    {
        var factory = await WalDatabaseAsync();
        await using (var connection = await factory.OpenAsync(Ct))
        {
            Assert.Equal((long)SqliteConnectionFactory.BackstopCheckpointPages, await ScalarAsync(connection, "PRAGMA wal_autocheckpoint"));
        }

        // SQLite's default would have checkpointed inside the commit that took the log past 1,000 pages.
        await InsertRowsAsync(factory, 1_500);

        var copied = await factory.CheckpointAsync(Ct);
        Assert.True(copied >= 1_500, $"the checkpoint copied {copied} frames: a commit checkpointed before it");
        Assert.Equal(0, await factory.CheckpointAsync(Ct));

        await InsertRowsAsync(factory, 1);
        Assert.InRange(await factory.CheckpointAsync(Ct), 1, 100);
    }

    [Fact]
    public async Task The_checkpointer_copies_the_log_into_the_database_file_in_the_background()
    {
        var factory = await WalDatabaseAsync();
        await InsertRowsAsync(factory, 200);
        var before = new FileInfo(DatabasePath).Length;
        Assert.True(before < 200 * Row.Length / 2, $"the rows are in the log until a checkpoint, yet the database file has {before} bytes");

        using var checkpointer = new WalCheckpointer(factory, NullLogger<WalCheckpointer>.Instance) { Interval = TimeSpan.FromMilliseconds(50) };
        await checkpointer.StartAsync(Ct);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (new FileInfo(DatabasePath).Length < 200 * Row.Length && DateTime.UtcNow < deadline)
            {
                await Task.Delay(25, Ct);
            }

            Assert.True(new FileInfo(DatabasePath).Length >= 200 * Row.Length, $"the database file has {new FileInfo(DatabasePath).Length} bytes after 10 s");
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }

    private async Task<SqliteConnectionFactory> WalDatabaseAsync()
    {
        var factory = new SqliteConnectionFactory($"Data Source={DatabasePath}");
        _holder = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await _holder.OpenAsync(Ct);
        await using var connection = await factory.OpenAsync(Ct);
        await ScalarAsync(connection, "PRAGMA journal_mode=WAL");
        await ScalarAsync(connection, "CREATE TABLE rows (body BLOB NOT NULL)");
        await ScalarAsync(_holder!, "SELECT count(*) FROM rows"); // SQLite opens the file at a connection's first statement
        await factory.CheckpointAsync(Ct);
        return factory;
    }

    private static async Task InsertRowsAsync(SqliteConnectionFactory factory, int count)
    {
        await using var connection = await factory.OpenAsync(Ct);
        for (var i = 0; i < count; i++)
        {
            await using var insert = (SqliteCommand)connection.CreateCommand();
            insert.CommandText = "INSERT INTO rows (body) VALUES ($body)";
            insert.Parameters.AddWithValue("$body", Row);
            await insert.ExecuteNonQueryAsync(Ct);
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct) is long value ? value : 0;
    }
}
