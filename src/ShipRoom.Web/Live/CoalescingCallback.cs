namespace ShipRoom.Web.Live;

/// <summary>
/// Runs a callback at most once per interval: a signal while one run is already queued is dropped, so a burst of
/// changes becomes one render. A signal that arrives while the callback runs queues exactly one more run.
/// </summary>
public sealed class CoalescingCallback(Func<Task> callback, TimeSpan interval, TimeProvider time, Action<Exception> onError) : IDisposable
{
    private int _queued;
    private volatile bool _disposed;

    public void Signal()
    {
        if (_disposed || Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return;
        }

        _ = RunAfterDelayAsync();
    }

    public void Dispose() => _disposed = true;

    private async Task RunAfterDelayAsync()
    {
        try
        {
            await Task.Delay(interval, time);
            Interlocked.Exchange(ref _queued, 0);
            if (!_disposed)
            {
                await callback();
            }
        }
        catch (Exception exception)
        {
            onError(exception);
        }
    }
}
