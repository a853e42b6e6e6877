using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// What ShipRoom's own /metrics says at one moment: polls counted (every outcome) and the time they took, and the
/// browser circuits it holds, the synthetic probe runs, and the runtime's garbage collector: its pauses and the bytes
/// allocated (the System.Runtime meter), and the memory it had committed at its latest collection of any kind (a gauge:
/// live objects and the free space it keeps alike; committed is not necessarily resident, so it is no share of RSS),
/// and storage: the connections opened, and (SQLite, ShipRoom:Storage:CountStatements) the statements run, sample writes
/// apart, by the whole server and by its polls alone (each poll's own, tallied in its flow).
/// </summary>
public readonly record struct ServerCounters(double Polls, double PollSeconds, long Circuits, double GcPauseSeconds = 0, double AllocatedBytes = 0, double ProbeRuns = 0, long GcCommittedBytes = 0,
    double Statements = 0, double SampleWrites = 0, double ConnectionsOpened = 0, double PollStatements = 0, double PollSampleWrites = 0, double PollConnectionsOpened = 0)
{
    private static readonly HttpClient Client = new();

    public static async Task<ServerCounters> ReadAsync(Uri server, CancellationToken ct)
    {
        var text = await Client.GetStringAsync(new Uri(server, "/metrics"), ct);
        double polls = 0, seconds = 0, gcPause = 0, allocated = 0, probeRuns = 0, statements = 0, sampleWrites = 0, opened = 0, pollStatements = 0, pollSampleWrites = 0, pollOpened = 0;
        long circuits = 0, committed = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("shiproom_polls_total", StringComparison.Ordinal))
            {
                polls += Value(line);
            }
            else if (line.StartsWith("shiproom_poll_duration_seconds_sum", StringComparison.Ordinal))
            {
                seconds += Value(line);
            }
            else if (line.StartsWith("shiproom_circuits{", StringComparison.Ordinal))
            {
                circuits += (long)Value(line);
            }
            else if (line.StartsWith("shiproom_probe_runs_total", StringComparison.Ordinal))
            {
                probeRuns += Value(line);
            }
            else if (line.StartsWith("dotnet_gc_pause_time_seconds_total", StringComparison.Ordinal))
            {
                gcPause += Value(line);
            }
            else if (line.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal))
            {
                allocated += Value(line);
            }
            else if (line.StartsWith("shiproom_poll_storage_statements_total{kind=\"other\"}", StringComparison.Ordinal))
            {
                pollStatements += Value(line);
            }
            else if (line.StartsWith("shiproom_poll_storage_statements_total{kind=\"sample_write\"}", StringComparison.Ordinal))
            {
                pollSampleWrites += Value(line);
            }
            else if (line.StartsWith("shiproom_poll_storage_connections_opened_total", StringComparison.Ordinal))
            {
                pollOpened += Value(line);
            }
            else if (line.StartsWith("shiproom_storage_statements_total{kind=\"other\"}", StringComparison.Ordinal))
            {
                statements += Value(line);
            }
            else if (line.StartsWith("shiproom_storage_statements_total{kind=\"sample_write\"}", StringComparison.Ordinal))
            {
                sampleWrites += Value(line);
            }
            else if (line.StartsWith("shiproom_storage_connections_opened_total", StringComparison.Ordinal))
            {
                opened += Value(line);
            }
            else if (line.StartsWith("dotnet_gc_last_collection_memory_committed_size_bytes", StringComparison.Ordinal))
            {
                committed = (long)Value(line);
            }
        }

        return new ServerCounters(polls, seconds, circuits, gcPause, allocated, probeRuns, committed, statements, sampleWrites, opened, pollStatements, pollSampleWrites, pollOpened);
    }

    /// <summary>What happened between <paramref name="earlier"/> and this reading (circuits and committed memory: this reading's).</summary>
    public ServerCounters Since(ServerCounters earlier) =>
        new(Polls - earlier.Polls, PollSeconds - earlier.PollSeconds, Circuits, GcPauseSeconds - earlier.GcPauseSeconds, AllocatedBytes - earlier.AllocatedBytes, ProbeRuns - earlier.ProbeRuns, GcCommittedBytes,
            Statements - earlier.Statements, SampleWrites - earlier.SampleWrites, ConnectionsOpened - earlier.ConnectionsOpened,
            PollStatements - earlier.PollStatements, PollSampleWrites - earlier.PollSampleWrites, PollConnectionsOpened - earlier.PollConnectionsOpened);

    /// <summary>Two stretches' counts added up (circuits and committed memory: the later one's, as in <see cref="Since"/>).</summary>
    public ServerCounters Plus(ServerCounters later) =>
        new(Polls + later.Polls, PollSeconds + later.PollSeconds, later.Circuits, GcPauseSeconds + later.GcPauseSeconds, AllocatedBytes + later.AllocatedBytes,
            ProbeRuns + later.ProbeRuns, later.GcCommittedBytes, Statements + later.Statements, SampleWrites + later.SampleWrites,
            ConnectionsOpened + later.ConnectionsOpened, PollStatements + later.PollStatements, PollSampleWrites + later.PollSampleWrites,
            PollConnectionsOpened + later.PollConnectionsOpened);

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}
