namespace ShipRoom.Infrastructure.Rollouts.Polling;

/// <summary>How many of something run at this moment, and the most that ever ran at once (for tests and diagnostics).</summary>
public sealed class AtOnceCount
{
    private int _now;
    private int _most;

    public int Most => Volatile.Read(ref _most);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _now);
        for (var most = Volatile.Read(ref _most); now > most; most = Volatile.Read(ref _most))
        {
            Interlocked.CompareExchange(ref _most, now, most);
        }
    }

    public void Exit() => Interlocked.Decrement(ref _now);
}
