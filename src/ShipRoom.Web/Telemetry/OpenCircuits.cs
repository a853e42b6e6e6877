namespace ShipRoom.Web.Telemetry;

/// <summary>
/// How many browser circuits this instance holds, connected or kept while their browser is away (ASP.NET keeps one for
/// minutes in case it comes back). Exposed at /metrics as shiproom_circuits: who is watching, and whether closed tabs
/// were let go. Each <see cref="Live.CircuitConnection"/> reports its own circuit.
/// </summary>
public sealed class OpenCircuits
{
    private long _connected;
    private long _disconnected;

    public long Connected => Interlocked.Read(ref _connected);

    public long Disconnected => Interlocked.Read(ref _disconnected);

    internal void Opened() => Interlocked.Increment(ref _connected);

    // Counted in the new state before out of the old: a reading between the two sees a circuit twice, never none (the
    // benchmark waits for none before it reads the heap without tabs).
    internal void WentDown()
    {
        Interlocked.Increment(ref _disconnected);
        Interlocked.Decrement(ref _connected);
    }

    internal void CameBack()
    {
        Interlocked.Increment(ref _connected);
        Interlocked.Decrement(ref _disconnected);
    }

    internal void Closed(bool wasConnected) => Interlocked.Decrement(ref wasConnected ? ref _connected : ref _disconnected);
}
