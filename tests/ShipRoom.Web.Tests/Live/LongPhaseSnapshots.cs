using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Tests.Components;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// Snapshots of one rollout a long time into its phase, minute after minute, seeded without a poll: 29 metrics over
/// the 8 panels with control and canary series of <see cref="SnapshotBuilder.MaxPointsPerSeries"/> points (the window
/// the builder keeps), and 10 gates with the last <see cref="SnapshotBuilder.GateMinutesShown"/> minutes of their history (as the builder keeps).
/// </summary>
public static class LongPhaseSnapshots
{
    public const int Metrics = 29;
    public const int Gates = 10;

    /// <summary>The snapshot <paramref name="phaseMinutes"/> complete minutes into the phase (the phase began at <see cref="TestSnapshots.Now"/>).</summary>
    public static RolloutSnapshot At(long id, int phaseMinutes, long version = 3)
    {
        var start = TestSnapshots.Now;
        var lastMinute = start.AddMinutes(phaseMinutes - 1);
        var panels = Enum.GetValues<MetricPanel>();
        var metrics = Enumerable.Range(0, Metrics).Select(i => Metric(i, start, lastMinute, phaseMinutes)).ToList();
        var gates = Enumerable.Range(0, Gates).Select(i => Gate(i, start, phaseMinutes)).ToArray();
        var verdict = TestSnapshots.Verdict(gates) with { EvaluatedAt = lastMinute.AddMinutes(1) };
        return TestSnapshots.Snapshot(verdict, panels: panels.Select((p, i) => new PanelSnapshot(p, p.ToString(), metrics.Where((_, m) => m % panels.Length == i).ToList())).ToList()) with
        {
            Id = id,
            Version = version,
            PhaseStartedAt = start,
            Now = lastMinute.AddMinutes(1),
            Poll = TestSnapshots.Snapshot(null).Poll with { LastPollAt = lastMinute.AddMinutes(1), PolledUpTo = lastMinute.AddMinutes(1) },
            BuiltAt = lastMinute.AddMinutes(1),
        };
    }

    private static double Value(int metric, int minute, bool canary) => Math.Round(100 + (metric * 3) + (10 * Math.Sin((minute + metric) / 7.0)) + (canary ? 1.5 : 0), 6);

    private static MetricSnapshot Metric(int index, DateTimeOffset start, DateTimeOffset lastMinute, int phaseMinutes)
    {
        var shown = Math.Min(phaseMinutes, SnapshotBuilder.MaxPointsPerSeries);
        var minutes = Enumerable.Range(phaseMinutes - shown, shown).ToList();
        List<SeriesPoint> Series(bool canary) => minutes.Select(m => new SeriesPoint(start.AddMinutes(m), Value(index, m, canary))).ToList();
        var control = phaseMinutes > 0 ? Value(index, phaseMinutes - 1, false) : (double?)null;
        var canaryNow = phaseMinutes > 0 ? Value(index, phaseMinutes - 1, true) : (double?)null;
        return new MetricSnapshot($"metric_{index}", $"Metric {index}", "ms", BetterDirection.Lower, control, canaryNow, control is { } k && canaryNow is { } c ? Math.Round((c - k) / k * 100, 2) : null,
            GateStatus.Green, "<= 500 ms", 500, index % 4 == 0 ? [new JourneyValue("checkout", control, canaryNow), new JourneyValue("search", control, canaryNow)] : [],
            Series(false), Series(true));
    }

    private static GateVerdict Gate(int index, DateTimeOffset start, int phaseMinutes) =>
        TestSnapshots.Gate($"gate_{index}", GateStatus.Green, Value(index, phaseMinutes - 1, true), Value(index, phaseMinutes - 1, false), green: Math.Min(phaseMinutes, 15)) with
        {
            MetricKey = $"metric_{index}",
            LatestMinute = start.AddMinutes(phaseMinutes - 1),
            History = Enumerable.Range(0, phaseMinutes).TakeLast(SnapshotBuilder.GateMinutesShown).Select(m => new GateMinute(start.AddMinutes(m), GateStatus.Green, Value(index, m, true), Value(index, m, false), null, null)).ToList(),
        };
}
