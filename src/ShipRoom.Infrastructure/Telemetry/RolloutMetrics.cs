using System.Diagnostics.Metrics;

namespace ShipRoom.Infrastructure.Telemetry;

/// <summary>What the rollout machinery did, on the "ShipRoom" meter that /metrics exposes.</summary>
public sealed class RolloutMetrics : IDisposable
{
    /// <summary>Seconds: a simulator poll takes milliseconds, a Prometheus poll up to its timeout times its retries.</summary>
    public static readonly IReadOnlyList<double> PollDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Meter _meter = new("ShipRoom");

    public RolloutMetrics()
    {
        Polls = _meter.CreateCounter<long>("shiproom_polls_total", description: "Metric polls by outcome.");
        SamplesStored = _meter.CreateCounter<long>("shiproom_samples_stored_total", description: "One-minute samples written.");
        Commands = _meter.CreateCounter<long>("shiproom_commands_total", description: "Rollout commands by kind and result.");
        ProbeRuns = _meter.CreateCounter<long>("shiproom_probe_runs_total", description: "Synthetic probe runs by result.");
        Posts = _meter.CreateCounter<long>("shiproom_posts_total", description: "#ship-room post attempts by channel and result.");
        SnapshotBuilds = _meter.CreateCounter<long>("shiproom_snapshot_builds_total", description: "Rollout snapshots built: one per change, whatever the number of viewers.");
        PollStatements = _meter.CreateCounter<long>("shiproom_poll_storage_statements_total",
            description: "SQL statements SQLite ran for polls, the sample writes apart (kind); 0 unless ShipRoom:Storage:CountStatements is on.");
        PollConnections = _meter.CreateCounter<long>("shiproom_poll_storage_connections_opened_total", description: "Database connections opened for polls.");
        PollDuration = _meter.CreateHistogram<double>("shiproom_poll_duration_seconds", unit: "s", description: "How long a poll took, reading to publishing.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PollDurationBuckets });
    }

    public Counter<long> Polls { get; }

    public Counter<long> SamplesStored { get; }

    public Counter<long> Commands { get; }

    public Counter<long> ProbeRuns { get; }

    public Counter<long> Posts { get; }

    public Counter<long> SnapshotBuilds { get; }

    public Counter<long> PollStatements { get; }

    public Counter<long> PollConnections { get; }

    public Histogram<double> PollDuration { get; }

    public void Dispose() => _meter.Dispose();
}
