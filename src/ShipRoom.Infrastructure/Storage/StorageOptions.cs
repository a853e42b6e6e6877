using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// ShipRoom:Storage. The connection string itself is ConnectionStrings:ShipRoom (a secret on PostgreSQL: never logged).
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = ConfigurationKeys.StorageSection;
    public const string ConnectionStringName = ConfigurationKeys.ConnectionStringName;
    public const string DefaultSqliteConnectionString = "Data Source=data/shiproom.db";

    /// <summary>Sqlite (default) or Postgres.</summary>
    public string Provider { get; set; } = nameof(StorageProvider.Sqlite);

    /// <summary>Filled from ConnectionStrings:ShipRoom; the SQLite default applies when it is empty.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the migration folders (sqlite/, postgres/) are; defaults to db/ beside the binaries.</summary>
    public string? MigrationsPath { get; set; }

    /// <summary>Seconds to wait for the database at start-up before giving up with a clear message.</summary>
    public int StartupTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Counts every statement SQLite runs (<c>shiproom_storage_statements_total</c>), through SQLite's own trace: a
    /// callback per statement and the text expanded, so off unless measuring (the bench turns it on). Not on PostgreSQL.
    /// </summary>
    public bool CountStatements { get; set; }
}
