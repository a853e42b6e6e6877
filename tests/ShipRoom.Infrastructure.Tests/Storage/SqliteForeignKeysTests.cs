using Microsoft.Data.Sqlite;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>
/// Foreign keys are switched on once per native SQLite connection by the factory, not by the connection string on every
/// open: a native connection the pool hands back must have them on whatever was done to it before this factory saw it.
/// </summary>
public sealed class SqliteForeignKeysTests
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

    private static async Task<long> ForeignKeysAsync(System.Data.Common.DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
