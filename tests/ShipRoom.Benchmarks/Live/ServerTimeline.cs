using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Another .NET process's garbage-collector pauses, each with its start, end and generation, read from the runtime's
/// own GC events through its diagnostics port (as <see cref="GcHeap"/> reads them) until disposed: which updates met a
/// pause of the server and how long, where /metrics gives only a sum. The GC keyword at the informational level adds a
/// few events per collection to the measured process and nothing per allocation.
/// </summary>
public sealed class ServerPauses : IAsyncDisposable
{
    public readonly record struct Pause(DateTimeOffset Start, DateTimeOffset End, int Generation)
    {
        public double Ms => (End - Start).TotalMilliseconds;
    }

    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly List<Pause> _pauses = new(1024);
    private DateTimeOffset? _suspendedAt;
    private int _generation = -1;
    private bool _stopped;

    private ServerPauses(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        // Suspension starts before the collection and the runtime restarts after it: that span is what every thread waits.
        _source.Clr.GCSuspendEEStart += e => _suspendedAt = Utc(e.TimeStamp);
        _source.Clr.GCStart += e => _generation = e.Depth;
        _source.Clr.GCRestartEEStop += e =>
        {
            if (_suspendedAt is { } start)
            {
                lock (_pauses)
                {
                    _pauses.Add(new Pause(start, Utc(e.TimeStamp), _generation));
                }
            }

            _suspendedAt = null;
            _generation = -1;
        };
        _processing = Task.Run(() =>
        {
            try
            {
                _source.Process();
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The session ended or the process went away: the pauses read so far are the record.
            }
        }, CancellationToken.None);
    }

    private static DateTimeOffset Utc(DateTime stamp) => new(stamp.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>Starts reading the process's pauses; null (and why, in <paramref name="why"/>) when its port cannot be reached.</summary>
    public static ServerPauses? Start(int pid, out string? why)
    {
        try
        {
            var session = new DiagnosticsClient(pid).StartEventPipeSession(
                [new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC)], requestRundown: false, circularBufferMB: 16);
            why = null;
            return new ServerPauses(session);
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or ServerErrorException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            why = exception.Message;
            return null;
        }
    }

    /// <summary>The pauses that overlap <paramref name="from"/>..<paramref name="to"/>, each cut to that span.</summary>
    public IReadOnlyList<Pause> Between(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_pauses)
        {
            return _pauses.Where(p => p.End > from && p.Start < to)
                .Select(p => p with { Start = p.Start < from ? from : p.Start, End = p.End > to ? to : p.End })
                .ToList();
        }
    }

    /// <summary>Every pause read, and their sum.</summary>
    public (int Count, double Ms) Total
    {
        get
        {
            lock (_pauses)
            {
                return (_pauses.Count, _pauses.Sum(p => p.Ms));
            }
        }
    }

    /// <summary>One update's pauses in a few words: "12.3 ms in 2 (longest 9.1 ms, gen 1)", or "none".</summary>
    public static string Describe(IReadOnlyList<Pause> pauses)
    {
        if (pauses.Count == 0)
        {
            return "none";
        }

        var longest = pauses.MaxBy(p => p.Ms);
        return $"{pauses.Sum(p => p.Ms):0.0} ms in {pauses.Count} (longest {longest.Ms:0.0} ms, gen {longest.Generation})";
    }

    /// <summary>Stops the session, which flushes the events still buffered: read the pauses after this. Once is enough.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await _session.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception exception) when (exception is TimeoutException or ServerNotAvailableException or IOException or InvalidOperationException)
        {
            // The process is gone or the session already ended: the stream ends either way.
        }

        await _processing.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _source.Dispose();
        _session.Dispose();
    }
}
