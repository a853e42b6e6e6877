namespace ShipRoom.Web.Live;

/// <summary>
/// How many browser circuits this instance holds, connected or kept while their browser is away (ASP.NET keeps one for
/// minutes in case it comes back). Exposed at /metrics as shiproom_circuits: who is watching, and whether closed tabs
/// were let go. Each <see cref="CircuitConnection"/> reports its own circuit.
/// </summary>
public sealed class OpenCircuits
{
    private long _connected;
    private long _disconnected;

    public long Connected => Interlocked.Read(ref _connected);

    public long Disconnected => Interlocked.Read(ref _disconnected);

    internal void Opened() => Interlocked.Increment(ref _connected);

    internal void WentDown()
    {
        Interlocked.Decrement(ref _connected);
        Interlocked.Increment(ref _disconnected);
    }

    internal void CameBack()
    {
        Interlocked.Decrement(ref _disconnected);
        Interlocked.Increment(ref _connected);
    }

    internal void Closed(bool wasConnected) => Interlocked.Decrement(ref wasConnected ? ref _connected : ref _disconnected);
}
