using System.Collections;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// What another .NET process did over time, read through its diagnostics port (as <see cref="GcHeap"/> reads it) until
/// disposed: its garbage-collector pauses, each with its start, end and generation (the runtime's own GC events), and
/// ShipRoom's spans (its ActivitySource, bridged to the same session by the runtime's DiagnosticSource event source): a
/// slow update is then told apart as the server's GC, the poll before its publish, its wait in the push queue, or the
/// push. The GC keyword at the informational level adds a few events per collection; the spans, one event each.
/// </summary>
public sealed partial class ServerTimeline : IAsyncDisposable
{
    public readonly record struct Pause(DateTimeOffset Start, DateTimeOffset End, int Generation)
    {
        public double Ms => (End - Start).TotalMilliseconds;
    }

    /// <summary>One of ShipRoom's spans (RolloutTracing): its name, rollout, and for a push the update's sequence and its wait in the queue.</summary>
    public readonly record struct Span(string Name, long RolloutId, long? Sequence, DateTimeOffset Start, DateTimeOffset End, double? QueuedMs);

    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const string DiagnosticSourceProvider = "Microsoft-Diagnostics-DiagnosticSource";

    /// <summary>
    /// ShipRoom's spans as each stops (its tags are set by then), with only what is read here: the keyword 0x2 is the
    /// bridge's Events. The start and duration come from the activity itself, not from when the event was written.
    /// </summary>
    private const string SpanSpec = "[AS]ShipRoom/Stop:-OperationName;StartTicks=StartTimeUtc.Ticks;DurationTicks=Duration.Ticks;Tags=TagObjects.*Enumerate";

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly List<Pause> _pauses = new(1024);
    private readonly List<Span> _spans = new(4096);
    private DateTimeOffset? _suspendedAt;
    private int _generation = -1;
    private bool _stopped;

    private ServerTimeline(EventPipeSession session)
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
        _source.Dynamic.All += e =>
        {
            if (e.ProviderName == DiagnosticSourceProvider && e.EventName is "Activity/Stop" or "ActivityStop" && SpanOf(e) is { } span)
            {
                lock (_spans)
                {
                    _spans.Add(span);
                }
            }
        };
        _processing = Task.Run(() =>
        {
            try
            {
                _source.Process();
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The session ended or the process went away: what was read so far is the record.
            }
        }, CancellationToken.None);
    }

    private static DateTimeOffset Utc(DateTime stamp) => new(stamp.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>Starts reading the process; null (and why, in <paramref name="why"/>) when its port cannot be reached.</summary>
    public static ServerTimeline? Start(int pid, out string? why)
    {
        try
        {
            var session = new DiagnosticsClient(pid).StartEventPipeSession(
                [
                    new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
                    new EventPipeProvider(DiagnosticSourceProvider, EventLevel.Informational, 0x2, new Dictionary<string, string> { ["FilterAndPayloadSpecs"] = SpanSpec }),
                ],
                requestRundown: false, circularBufferMB: 16);
            why = null;
            return new ServerTimeline(session);
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or ServerErrorException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            why = exception.Message;
            return null;
        }
    }

    private static Span? SpanOf(TraceEvent e)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.PayloadByName("Arguments") is IEnumerable pairs)
        {
            foreach (var pair in pairs)
            {
                if (pair is IDictionary<string, object> kv && kv.TryGetValue("Key", out var key) && kv.TryGetValue("Value", out var value))
                {
                    arguments[key?.ToString() ?? ""] = value?.ToString() ?? "";
                }
            }
        }

        if (!arguments.TryGetValue("OperationName", out var name) || !Ticks(arguments, "StartTicks", out var start) || !Ticks(arguments, "DurationTicks", out var duration))
        {
            return null;
        }

        // TagObjects enumerated: "[shiproom.rollout.id, 7],[shiproom.update.sequence, 635],…".
        var tags = TagPattern().Matches(arguments.GetValueOrDefault("Tags") ?? "").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        if (!long.TryParse(tags.GetValueOrDefault("shiproom.rollout.id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rolloutId))
        {
            return null;
        }

        var begin = new DateTimeOffset(start, TimeSpan.Zero);
        return new Span(name, rolloutId,
            long.TryParse(tags.GetValueOrDefault("shiproom.update.sequence"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence) ? sequence : null,
            begin, begin.AddTicks(duration),
            double.TryParse(tags.GetValueOrDefault("shiproom.push.queued_ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var queued) ? queued : null);
    }

    private static bool Ticks(Dictionary<string, string> arguments, string name, out long ticks) =>
        long.TryParse(arguments.GetValueOrDefault(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out ticks);

    [GeneratedRegex(@"\[([^,\]]+), ([^\]]*)\]")]
    private static partial Regex TagPattern();

    /// <summary>The pauses that overlap <paramref name="from"/>..<paramref name="to"/>, each cut to that span.</summary>
    public IReadOnlyList<Pause> PausesBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_pauses)
        {
            return _pauses.Where(p => p.End > from && p.Start < to)
                .Select(p => p with { Start = p.Start < from ? from : p.Start, End = p.End > to ? to : p.End })
                .ToList();
        }
    }

    /// <summary>Every pause read, and their sum.</summary>
    public (int Count, double Ms) Pauses
    {
        get
        {
            lock (_pauses)
            {
                return (_pauses.Count, _pauses.Sum(p => p.Ms));
            }
        }
    }

    /// <summary>The spans read: how many, and of which names.</summary>
    public string SpanCounts
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count == 0 ? "none" : string.Join(", ", _spans.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
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

    /// <summary>
    /// Where one update's time went on the server, in milliseconds from its builtAt (when the poll read the clock to
    /// judge): the publish that built it (the last of its rollout to start before its push did: the push loop may take
    /// the update before the publish's span has ended), its wait in the push queue, and its push; "no push span" when
    /// none was read for that sequence.
    /// </summary>
    public string Path(long rolloutId, long sequence, DateTimeOffset builtAt, DateTimeOffset firstReceipt)
    {
        lock (_spans)
        {
            if (!_spans.Any(s => s.Name == "push" && s.Sequence == sequence))
            {
                return "no push span";
            }

            var push = _spans.First(s => s.Name == "push" && s.Sequence == sequence);
            var publishes = _spans.Where(s => s.Name == "publish" && s.RolloutId == rolloutId && s.Start <= push.Start && s.End >= builtAt).OrderBy(s => s.Start).ToList();
            var ms = (DateTimeOffset at) => (at - builtAt).TotalMilliseconds;
            var publish = publishes.Count == 0 ? "no publish span" : $"publish {ms(publishes[^1].Start):0.0}-{ms(publishes[^1].End):0.0}";
            return $"{publish}, queued {push.QueuedMs:0.0} ms, push {ms(push.Start):0.0}-{ms(push.End):0.0}, first receipt {ms(firstReceipt):0.0}";
        }
    }

    /// <summary>Stops the session, which flushes the events still buffered: read the timeline after this. Once is enough.</summary>
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
