namespace ShipRoom.Infrastructure.Storage;

/// <summary>Applies the numbered SQL files of db/{engine}/ that are not yet recorded, in order, each in a transaction.</summary>
public interface IMigrationRunner
{
    /// <summary>Returns the names of the migrations this call applied (empty when the schema was current).</summary>
    Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True when every migration file is recorded as applied and the database answers.</summary>
    Task<bool> IsCurrentAsync(CancellationToken cancellationToken);
}
