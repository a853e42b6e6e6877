using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ShipRoom.Infrastructure.Storage;

internal static class DatabaseErrors
{
    /// <summary>True for a unique-constraint violation on either engine.</summary>
    public static bool IsUniqueViolation(DbException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
