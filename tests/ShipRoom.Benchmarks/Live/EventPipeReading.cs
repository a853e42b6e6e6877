using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Reading another .NET process's events through its diagnostics port: the runtime's provider, the events processed on
/// a thread of their own, and the session stopped (which flushes what it still buffers) before what was read is used,
/// within bounded time whether or not the process is still there. <see cref="GcHeap"/> and <see cref="ServerTimeline"/>
/// read this way.
/// </summary>
public static class EventPipeReading
{
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>Processes the source's events until its session ends; an exception that ends it goes to <paramref name="failed"/>.</summary>
    public static Task Process(EventPipeEventSource source, Action<Exception> failed) => Task.Run(() =>
    {
        try
        {
            source.Process();
        }
        catch (Exception exception)
        {
            failed(exception);
        }
    }, CancellationToken.None);

    /// <summary>Stops the session and waits (10 s at most each) for the stop and for the last events to be processed.</summary>
    public static async Task StopAsync(EventPipeSession session, Task processing)
    {
        try
        {
            await session.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception exception) when (exception is TimeoutException or ServerNotAvailableException or ServerErrorException or IOException or InvalidOperationException)
        {
            // The process is gone or the session already ended: the stream ends either way.
        }

        await processing.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
