using Microsoft.Data.Sqlite;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>
/// Foreign keys and the busy timeout are set once per native SQLite connection by the factory, not by the connection
/// string on every open: a native connection the pool hands back must have them whatever was done to it before this
/// factory saw it.
/// </summary>
public sealed class SqliteConnectionSettingsTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pooled_connection_left_with_foreign_keys_off_comes_back_with_them_on()
    {
        var directory = Directory.CreateTempSubdirectory("shiproom-fk-").FullName;
        var connectionString = $"Data Source={Path.Combine(directory, "shiproom.db")}";
        try
        {
            await using (var first = await new SqliteConnectionFactory(connectionString).OpenAsync(Ct))
            {
                Assert.Equal(1L, await ForeignKeysAsync(first));
                await using var off = first.CreateCommand();
                off.CommandText = "PRAGMA foreign_keys = 0";
                await off.ExecuteNonQueryAsync(Ct);
                Assert.Equal(0L, await ForeignKeysAsync(first));
            }

            // The same native connection, from the pool, through a factory that has not seen it (as after a restart of the composition).
            await using var again = await new SqliteConnectionFactory(connectionString).OpenAsync(Ct);
            Assert.Equal(1L, await ForeignKeysAsync(again));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_connection_waits_for_another_writer_in_SQLite_itself_for_up_to_thirty_seconds()
    {
        var directory = Directory.CreateTempSubdirectory("shiproom-busy-").FullName;
        try
        {
            var factory = new SqliteConnectionFactory($"Data Source={Path.Combine(directory, "shiproom.db")}");
            await using var connection = await factory.OpenAsync(Ct);

            // Without it SQLite answers "locked" at once and Microsoft.Data.Sqlite sleeps 150 ms before each retry.
            Assert.Equal(30_000L, await PragmaAsync(connection, "busy_timeout"));
            Assert.NotSame(WriteTurns.None, factory.Writes);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task<long> ForeignKeysAsync(System.Data.Common.DbConnection connection) => PragmaAsync(connection, "foreign_keys");

    private static async Task<long> PragmaAsync(System.Data.Common.DbConnection connection, string pragma)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
