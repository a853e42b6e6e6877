namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// What storage did, for /metrics: connections opened from the engine (a shared one counts once however often it is
/// lent), and with <see cref="StorageOptions.CountStatements"/> on SQLite, the statements the engine ran, counted by its
/// own trace, the sample writes apart. A <see cref="StorageTally"/> under way in the caller's flow is told as well.
/// </summary>
public sealed class StorageCounters
{
    private long _connectionsOpened;
    private long _statements;
    private long _sampleWrites;

    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <summary>Statements SQLite ran besides the sample writes (0 unless counted).</summary>
    public long Statements => Interlocked.Read(ref _statements);

    /// <summary>Executions of the sample write (0 unless counted).</summary>
    public long SampleWrites => Interlocked.Read(ref _sampleWrites);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsOpened);
        StorageTally.Current?.ConnectionOpened();
    }

    internal void StatementRan(bool sampleWrite)
    {
        StorageTally.Current?.StatementRan(sampleWrite);
        Interlocked.Increment(ref sampleWrite ? ref _sampleWrites : ref _statements);
    }
}
