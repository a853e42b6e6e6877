namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// This process's garbage-collector pauses over time, read every few milliseconds until disposed: how much of an
/// update's way from the server's <c>builtAt</c> to its last receipt the driver itself spent paused, so that a slow
/// update is told apart from a slow receiver.
/// </summary>
public sealed class PauseTimeline : IAsyncDisposable
{
    private const int EveryMs = 5;

    private readonly List<(DateTimeOffset At, TimeSpan Paused)> _readings;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="expected">
    /// How long it will be read: the list is sized once, so that it does not grow its way onto the large object heap of
    /// the process whose pauses it reads.
    /// </param>
    public PauseTimeline(TimeSpan expected)
    {
        _readings = new((int)(expected.TotalMilliseconds / EveryMs) + 1);
        _loop = Task.Run(ReadAsync);
    }

    private async Task ReadAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(EveryMs));
        try
        {
            do
            {
                lock (_readings)
                {
                    _readings.Add((DateTimeOffset.UtcNow, GC.GetTotalPauseDuration()));
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Disposed: the readings so far are the timeline.
        }
    }

    /// <summary>
    /// The pauses between the last reading at or before <paramref name="from"/> and the first at or after
    /// <paramref name="to"/> (at most a reading's interval wider on each side).
    /// </summary>
    public TimeSpan PausedBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_readings)
        {
            if (_readings.Count == 0)
            {
                return TimeSpan.Zero;
            }

            var before = _readings.LastOrDefault(r => r.At <= from, _readings[0]);
            var after = _readings.FirstOrDefault(r => r.At >= to, _readings[^1]);
            return after.Paused - before.Paused;
        }
    }

    /// <summary>All the pauses read, first reading to last.</summary>
    public TimeSpan Total
    {
        get
        {
            lock (_readings)
            {
                return _readings.Count == 0 ? TimeSpan.Zero : _readings[^1].Paused - _readings[0].Paused;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
