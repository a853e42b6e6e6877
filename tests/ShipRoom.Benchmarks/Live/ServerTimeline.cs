using System.Collections;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using ShipRoom.Infrastructure.Telemetry;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// What ShipRoom's process did over time, read through its diagnostics port (<see cref="EventPipeReading"/>) until
/// disposed: the runtime's suspensions, each with its start, end and reason (a GC's with its generation), and ShipRoom's
/// publish and push spans (<see cref="RolloutTracing"/>, bridged to the same session by the runtime's DiagnosticSource
/// event source). A slow update is then told apart as the server's GC, the poll before its publish, its wait in the push
/// queue, or the push. Not free: the GC keyword adds a few events per collection, and while the session lasts ShipRoom
/// makes its publish and push spans (none are made when nothing listens), each written as one event at its stop.
/// </summary>
public sealed partial class ServerTimeline : IAsyncDisposable
{
    /// <summary>The runtime stopping every managed thread: for a GC (<see cref="Generation"/> ≥ 0) or for something else (-1).</summary>
    public readonly record struct Pause(DateTimeOffset Start, DateTimeOffset End, int Generation, bool ForGc)
    {
        public double Ms => (End - Start).TotalMilliseconds;
    }

    /// <summary>One of ShipRoom's spans: its name and ids, and for a push the update's sequence and its wait in the queue.</summary>
    public readonly record struct Span(string Name, string SpanId, string ParentSpanId, long? Sequence, DateTimeOffset Start, DateTimeOffset End, double? QueuedMs);

    private const string DiagnosticSourceProvider = "Microsoft-Diagnostics-DiagnosticSource";

    /// <summary>The DiagnosticSource bridge's Events keyword.</summary>
    private const long BridgedEvents = 0x2;

    /// <summary>
    /// Each span as it stops (its tags are set by then), with only what is read here. The start and duration come from
    /// the activity itself, not from when the event was written. Only publish and push spans are asked for, so the poll's
    /// other spans are not made.
    /// </summary>
    private static readonly string SpanSpec = string.Join("\n", new[] { RolloutTracing.Publish, RolloutTracing.Push }.Select(name =>
        $"[AS]{RolloutTracing.SourceName}+{name}/Stop:-OperationName;SpanId=SpanId;ParentSpanId=ParentSpanId;StartTicks=StartTimeUtc.Ticks;DurationTicks=Duration.Ticks;Tags=TagObjects.*Enumerate"));

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly List<Pause> _pauses = new(1024);
    private readonly List<Span> _spans = new(4096);
    // A collection starts and ends inside its suspension (GCStart, GCStop, then the restart), except a background GC's
    // final pause, which comes while it is still running: that pause belongs to the innermost collection running.
    private readonly Stack<int> _collecting = new();
    private (DateTimeOffset At, bool ForGc, int Generation)? _suspended;
    private bool _stopped;

    private ServerTimeline(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        // Suspension starts before the collection and the runtime restarts after it: that span is what every thread waits.
        _source.Clr.GCSuspendEEStart += e => _suspended = (Utc(e.TimeStamp), e.Reason is GCSuspendEEReason.SuspendForGC or GCSuspendEEReason.SuspendForGCPrep, -1);
        _source.Clr.GCStart += e =>
        {
            _collecting.Push(e.Depth);
            if (_suspended is { } suspended)
            {
                _suspended = suspended with { Generation = e.Depth };
            }
        };
        _source.Clr.GCStop += _ => _collecting.TryPop(out int _);
        _source.Clr.GCRestartEEStop += e =>
        {
            if (_suspended is { } suspended)
            {
                var generation = !suspended.ForGc ? -1 : suspended.Generation >= 0 ? suspended.Generation : _collecting.TryPeek(out var running) ? running : -1;
                lock (_pauses)
                {
                    _pauses.Add(new Pause(suspended.At, Utc(e.TimeStamp), generation, suspended.ForGc));
                }
            }

            _suspended = null;
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
        _processing = EventPipeReading.Process(_source, exception => Failure = exception.Message);
    }

    /// <summary>Why the events stopped before the session did, if they did.</summary>
    public string? Failure { get; private set; }

    private static DateTimeOffset Utc(DateTime stamp) => new(stamp.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>Starts reading the process; null (and why, in <paramref name="why"/>) when its port cannot be reached.</summary>
    public static ServerTimeline? Start(int pid, out string? why)
    {
        EventPipeSession? session = null;
        try
        {
            session = new DiagnosticsClient(pid).StartEventPipeSession(
                [
                    new EventPipeProvider(EventPipeReading.RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
                    new EventPipeProvider(DiagnosticSourceProvider, EventLevel.Informational, BridgedEvents, new Dictionary<string, string> { ["FilterAndPayloadSpecs"] = SpanSpec }),
                ],
                requestRundown: false, circularBufferMB: 16);
            why = null;
            return new ServerTimeline(session);
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or ServerErrorException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            session?.Dispose();
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

        if (!arguments.TryGetValue("OperationName", out var name) || !Long(arguments.GetValueOrDefault("StartTicks"), out var start) || !Long(arguments.GetValueOrDefault("DurationTicks"), out var duration))
        {
            return null;
        }

        // TagObjects enumerated: "[shiproom.rollout.id, 7],[shiproom.update.sequence, 635],…".
        var tags = TagPattern().Matches(arguments.GetValueOrDefault("Tags") ?? "").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        var begin = new DateTimeOffset(start, TimeSpan.Zero);
        return new Span(name, arguments.GetValueOrDefault("SpanId") ?? "", arguments.GetValueOrDefault("ParentSpanId") ?? "",
            Long(tags.GetValueOrDefault(RolloutTracing.SequenceTag), out var sequence) ? sequence : null,
            begin, begin.AddTicks(duration),
            // The server writes the number in its own culture: a comma decimal reads as not known, not as a wrong figure.
            double.TryParse(tags.GetValueOrDefault(RolloutTracing.QueuedMsTag), NumberStyles.Float, CultureInfo.InvariantCulture, out var queued) ? queued : null);
    }

    private static bool Long(string? text, out long value) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

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

    /// <summary>The GC's pauses read, and their sum (what /metrics counts), and the suspensions for anything else.</summary>
    public (int Count, double Ms, int OtherCount, double OtherMs) Pauses
    {
        get
        {
            lock (_pauses)
            {
                return (_pauses.Count(p => p.ForGc), _pauses.Where(p => p.ForGc).Sum(p => p.Ms), _pauses.Count(p => !p.ForGc), _pauses.Where(p => !p.ForGc).Sum(p => p.Ms));
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
        return $"{pauses.Sum(p => p.Ms):0.0} ms in {pauses.Count} (longest {longest.Ms:0.0} ms, {(longest.ForGc ? $"gen {longest.Generation}" : "not a GC")})";
    }

    /// <summary>
    /// Where one update's time went on the server, in milliseconds from its builtAt (when the poll read the clock to
    /// judge): the publish that queued it (the push's parent span), its wait in the push queue, and its push; "no push
    /// span" when none was read for that sequence.
    /// </summary>
    public string Path(long sequence, DateTimeOffset builtAt, DateTimeOffset firstReceipt)
    {
        lock (_spans)
        {
            if (_spans.FirstOrDefault(s => s.Name == RolloutTracing.Push && s.Sequence == sequence) is not { Name: not null } push)
            {
                return "no push span";
            }

            var ms = (DateTimeOffset at) => (at - builtAt).TotalMilliseconds;
            var publish = _spans.FirstOrDefault(s => s.Name == RolloutTracing.Publish && s.SpanId == push.ParentSpanId);
            var published = publish.Name is null ? "published outside a publish span" : $"publish {ms(publish.Start):0.0}-{ms(publish.End):0.0}";
            return $"{published}, queued {(push.QueuedMs is { } queued ? $"{queued:0.0}" : "?")} ms, push {ms(push.Start):0.0}-{ms(push.End):0.0}, first receipt {ms(firstReceipt):0.0}";
        }
    }

    /// <summary>When the push of that update had handed every slice to SignalR, if its span was read.</summary>
    public DateTimeOffset? PushEnd(long sequence)
    {
        lock (_spans)
        {
            return _spans.FirstOrDefault(s => s.Name == RolloutTracing.Push && s.Sequence == sequence) is { Name: not null } push ? push.End : null;
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
            await EventPipeReading.StopAsync(_session, _processing);
        }
        finally
        {
            _source.Dispose();
            _session.Dispose();
        }
    }
}
