namespace ShipRoom.Infrastructure.Storage;

/// <summary>The database engines ShipRoom stores its data in.</summary>
public enum StorageProvider
{
    /// <summary>The embedded default: one file under data/, one node.</summary>
    Sqlite,

    /// <summary>Production: several instances share one PostgreSQL.</summary>
    Postgres,
}
