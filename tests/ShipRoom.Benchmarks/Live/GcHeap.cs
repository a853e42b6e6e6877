using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The managed heap of another .NET process, measured the way dotnet-gcdump makes it meaningful: a full blocking GC,
/// induced from outside through the runtime's diagnostics port (an EventPipe session with the runtime provider's
/// GCHeapCollect keyword makes the runtime collect every generation at once), and the figures that GC reports in its
/// own GCHeapStats event. No tool installed by hand and nothing added to the measured process.
/// </summary>
public static class GcHeap
{
    /// <summary>
    /// What one induced full GC left: <see cref="LiveBytes"/> is what survived it (the sum of the promoted sizes of every
    /// generation, large and pinned object heaps included: reachable objects only); <see cref="HeapBytes"/> is the heap's
    /// size after it, free space between objects included.
    /// </summary>
    public readonly record struct Collected(long LiveBytes, long HeapBytes, string Reason);

    /// <summary>
    /// Two induced full GCs one after the other; the second one's figures. The first leaves objects with finalizers
    /// (sockets, timers of closed circuits) for the finalizer thread; the second collects what those finalizers freed.
    /// </summary>
    public static async Task<Collected> CollectTwiceAsync(int pid, CancellationToken cancellationToken)
    {
        await CollectAsync(pid, TimeSpan.FromSeconds(30), cancellationToken);
        await Task.Delay(500, cancellationToken);
        return await CollectAsync(pid, TimeSpan.FromSeconds(30), cancellationToken);
    }

    public static async Task<Collected> CollectAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession([new EventPipeProvider(EventPipeReading.RuntimeProvider, EventLevel.Informational, keywords)], requestRundown: false, circularBufferMB: 16);
        using var source = new EventPipeEventSource(session.EventStream);
        var result = new TaskCompletionSource<Collected>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fullGcReason = (string?)null;
        source.Clr.GCStart += gc =>
        {
            // Only a collection of every generation counts: one of gen 0 or 1 that happens to run first says nothing.
            fullGcReason = gc.Depth == 2 ? $"{gc.Reason}, {gc.Type}" : null;
        };
        source.Clr.GCHeapStats += stats =>
        {
            if (fullGcReason is { } reason)
            {
                var live = stats.TotalPromotedSize0 + stats.TotalPromotedSize1 + stats.TotalPromotedSize2 + stats.TotalPromotedSize3 + stats.TotalPromotedSize4;
                var heap = stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4;
                result.TrySetResult(new Collected(live, heap, reason));
            }
        };
        var processing = EventPipeReading.Process(source, exception => result.TrySetException(exception));
        try
        {
            return await result.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            await EventPipeReading.StopAsync(session, processing);
        }
    }
}
