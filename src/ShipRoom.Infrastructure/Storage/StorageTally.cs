namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// What one run of work (a poll) cost in storage: the connections the engine's factory opened and, where statements are
/// counted (<see cref="StorageOptions.CountStatements"/>), the statements SQLite ran, the sample writes apart. It flows
/// with the async calls under <see cref="Begin"/>, so it holds that work's own storage and nothing the rest of the
/// server did meanwhile (SQLite runs a statement on the caller's thread, where the flow's values are current).
/// </summary>
public sealed class StorageTally : IDisposable
{
    private static readonly AsyncLocal<StorageTally?> Ambient = new();

    private readonly StorageTally? _outer;
    private long _statements;
    private long _sampleWrites;
    private long _connectionsOpened;

    private StorageTally(StorageTally? outer) => _outer = outer;

    internal static StorageTally? Current => Ambient.Value;

    /// <summary>Starts a tally for the calls that follow in this flow. Synchronous on purpose, as SharedConnectionScope's.</summary>
    public static StorageTally Begin()
    {
        var tally = new StorageTally(Ambient.Value);
        Ambient.Value = tally;
        return tally;
    }

    public long Statements => Interlocked.Read(ref _statements);

    public long SampleWrites => Interlocked.Read(ref _sampleWrites);

    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <summary>Whether the work was counted where it is counted (a poll: its samples recorded).</summary>
    public bool Recorded => Volatile.Read(ref _recorded);

    private bool _recorded;

    internal void MarkRecorded() => Volatile.Write(ref _recorded, true);

    internal void ConnectionOpened() => Interlocked.Increment(ref _connectionsOpened);

    internal void StatementRan(bool sampleWrite) => Interlocked.Increment(ref sampleWrite ? ref _sampleWrites : ref _statements);

    public void Dispose()
    {
        if (ReferenceEquals(Ambient.Value, this))
        {
            Ambient.Value = _outer;
        }
    }
}
