namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// What storage did, for /metrics: connections opened from the engine (a shared one counts once however often it is
/// lent), and with <see cref="StorageOptions.CountStatements"/> on SQLite, the statements the engine ran, counted by its
/// own trace, the sample writes apart. The bench reads them around the polls to measure storage per poll from outside.
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

    internal void ConnectionOpened() => Interlocked.Increment(ref _connectionsOpened);

    internal void StatementRan(bool sampleWrite)
    {
        if (sampleWrite)
        {
            Interlocked.Increment(ref _sampleWrites);
        }
        else
        {
            Interlocked.Increment(ref _statements);
        }
    }
}
