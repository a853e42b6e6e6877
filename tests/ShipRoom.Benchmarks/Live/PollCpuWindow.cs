using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The poll CPU row's window, cut where the K rollouts' polls come and go. They run on the wall clock and all poll in the
/// few seconds after each whole minute, so the window is read at every whole minute and <see cref="BurstSeconds"/> past
/// it: the bursts hold those polls, the quiet segments between them the demo, the timers and everything else. The quiet
/// segments' CPU rate, taken from the same minutes on the same machine, is the baseline taken out of the bursts.
/// Until the fourteenth round the baseline was a separate 20 s with only the demo, before the rollouts existed: its
/// 4–7 ms CPU per second, multiplied over the whole 60 s window and divided by 50 polls, moved the quick run's figure
/// by up to ±3.6 ms. Here the rate is multiplied over the bursts' seconds only and read over three times as long.
/// </summary>
public static class PollCpuWindow
{
    public const int BurstSeconds = 15;

    /// <summary>One stretch of the window between two readings: a burst (from a whole minute) or a quiet one.</summary>
    public sealed record Segment(bool Burst, double Seconds, double CpuMs, double JitMs, double Polls, double PollSeconds, double GcPauseMs, double AllocatedBytes, double ProbeRuns,
        ServerCounters? Counted = null);

    /// <summary>What the K rollouts' polls cost, with the figures it is made of.</summary>
    public sealed record Estimate(
        double PerPollMs, double AddedCpuMs, double AddedPolls,
        double QuietSeconds, double QuietCpuPerSecond, double QuietPollsPerSecond,
        double BurstSeconds, double BurstCpuMs, double BurstPolls,
        double JitMs, double WholeCpuMs, double WholePolls, double WholePollSeconds,
        double BurstGcPauseMs, double QuietGcPauseMs, double BurstAllocatedBytes, double QuietAllocatedBytes,
        double BurstProbeRuns, double QuietProbeRuns)
    {
        /// <summary>The window's counts, summed over its segments: storage, by the whole server and by the polls alone.</summary>
        public ServerCounters Counted { get; init; }

        /// <summary>Statements besides the sample writes per poll, each poll's own (tallied in its flow), over the whole window.</summary>
        public double StatementsPerPoll => Counted.PollStatements / Counted.Polls;

        /// <summary>Sample writes per poll (on SQLite a statement of up to 400 samples), each poll's own, over the whole window.</summary>
        public double SampleWritesPerPoll => Counted.PollSampleWrites / Counted.Polls;

        /// <summary>Connections opened per poll, each poll's own, over the whole window.</summary>
        public double ConnectionsOpenedPerPoll => Counted.PollConnectionsOpened / Counted.Polls;

        /// <summary>The garbage collector's pauses in the bursts beyond the quiet rate, per added poll.</summary>
        public double GcPausePerPollMs => (BurstGcPauseMs - QuietGcPauseMs / QuietSeconds * BurstSeconds) / AddedPolls;

        /// <summary>Bytes allocated in the bursts beyond the quiet rate, per added poll.</summary>
        public double AllocatedPerPoll => (BurstAllocatedBytes - QuietAllocatedBytes / QuietSeconds * BurstSeconds) / AddedPolls;

        public bool Usable(int rollouts, int minutes) => QuietSeconds > 0 && BurstSeconds > 0 && AddedCpuMs > 0 && AddedPolls >= rollouts * minutes / 2.0;
    }

    /// <summary>
    /// Waits for <paramref name="start"/>, then reads the server's CPU (/proc), its background JIT's and its poll counters
    /// (/metrics) at every whole minute and <see cref="BurstSeconds"/> past it until <paramref name="length"/> has passed.
    /// The process's CPU is also read each second for <paramref name="perSecond"/>, the log's profile of the window.
    /// </summary>
    public static async Task<(IReadOnlyList<Segment> Segments, DateTime Start)> MeasureAsync(
        Uri url, int pid, int clkTck, DateTime start, TimeSpan length, List<double> perSecond, CancellationToken ct)
    {
        start = new DateTime(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        // Come late (the steps before it ran long), the window moves by whole minutes: its segments keep their seconds.
        while (DateTime.UtcNow > start.AddMilliseconds(500))
        {
            start = start.AddMinutes(1);
        }

        await DelayUntilAsync(start, ct);
        await using var jit = ThreadCpu.Start(pid, clkTck);
        var counters = await ServerCounters.ReadAsync(url, ct);
        var cpu = ProcFs.CpuMilliseconds(pid, clkTck);
        var (segmentCpu, segmentJit, segmentCounters, segmentStart) = (cpu, 0.0, counters, start);
        var segments = new List<Segment>();
        var end = start + length;
        for (var second = start.AddSeconds(1); second <= end; second = second.AddSeconds(1))
        {
            await DelayUntilAsync(second, ct);
            var now = ProcFs.CpuMilliseconds(pid, clkTck);
            perSecond.Add(now - cpu);
            cpu = now;
            if (second.Second is not (0 or BurstSeconds) && second != end)
            {
                continue;
            }

            var jitMs = jit.JitSoFar();
            var read = await ServerCounters.ReadAsync(url, ct);
            var during = read.Since(segmentCounters);
            segments.Add(new Segment(segmentStart.Second < BurstSeconds, (second - segmentStart).TotalSeconds, cpu - segmentCpu, jitMs - segmentJit, during.Polls, during.PollSeconds, during.GcPauseSeconds * 1000, during.AllocatedBytes, during.ProbeRuns,
                during));
            (segmentCpu, segmentJit, segmentCounters, segmentStart) = (cpu, jitMs, read, second);
        }

        return (segments, start);
    }

    /// <summary>
    /// The bursts' CPU beyond the quiet segments' rate, over the bursts' polls beyond the quiet segments' rate (the
    /// demo's own polls go on in both), the background JIT's CPU left out of both.
    /// </summary>
    public static Estimate Judge(IReadOnlyList<Segment> segments)
    {
        var quiet = segments.Where(s => !s.Burst).ToList();
        var bursts = segments.Where(s => s.Burst).ToList();
        var quietSeconds = quiet.Sum(s => s.Seconds);
        var burstSeconds = bursts.Sum(s => s.Seconds);
        var quietRate = quietSeconds > 0 ? quiet.Sum(s => s.CpuMs - s.JitMs) / quietSeconds : double.NaN;
        var quietPollRate = quietSeconds > 0 ? quiet.Sum(s => s.Polls) / quietSeconds : double.NaN;
        var burstCpu = bursts.Sum(s => s.CpuMs - s.JitMs);
        var burstPolls = bursts.Sum(s => s.Polls);
        var addedCpu = burstCpu - quietRate * burstSeconds;
        var addedPolls = burstPolls - quietPollRate * burstSeconds;
        return new Estimate(addedCpu / addedPolls, addedCpu, addedPolls, quietSeconds, quietRate, quietPollRate,
            burstSeconds, burstCpu, burstPolls, segments.Sum(s => s.JitMs), segments.Sum(s => s.CpuMs), segments.Sum(s => s.Polls), segments.Sum(s => s.PollSeconds),
            bursts.Sum(s => s.GcPauseMs), quiet.Sum(s => s.GcPauseMs), bursts.Sum(s => s.AllocatedBytes), quiet.Sum(s => s.AllocatedBytes),
            bursts.Sum(s => s.ProbeRuns), quiet.Sum(s => s.ProbeRuns))
        {
            Counted = segments.Select(s => s.Counted ?? default).Aggregate(default(ServerCounters), (sum, next) => sum.Plus(next)),
        };
    }

    /// <summary>The window's CPU per second, one figure per second, bursts marked: what the log shows of it.</summary>
    public static string Profile(DateTime start, IReadOnlyList<double> perSecond) =>
        string.Join(' ', perSecond.Select((ms, i) =>
        {
            var second = start.AddSeconds(i).Second;
            var text = ms.ToString("0", CultureInfo.InvariantCulture);
            return second == 0 ? $"[{text}" : second == BurstSeconds - 1 ? $"{text}]" : text;
        }));

    /// <summary>
    /// Waits until the second of the minute is between <see cref="CreateFrom"/> and <see cref="CreateUntil"/> before the
    /// K rollouts are made. Each live rollout runs its plan's synthetic probes once a minute (the shipped plan has three,
    /// each a database write) from the 5 s scheduler tick after it was made. The K are made within seconds of each other,
    /// so their probes run together within a few seconds every minute: made in the first 15 s of a minute, they ran inside
    /// the bursts and counted as poll CPU. Made from here (the creating took under 6 s, the next tick is within 5 s),
    /// they run in the quiet time. There they raise the quiet rate, which is taken out of the bursts for 15 s of every 45:
    /// with one poll a minute per rollout, the figure errs low by a third of one rollout's probe CPU a minute. Returns
    /// how long it waited.
    /// </summary>
    public static async Task<TimeSpan> WaitToCreateAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var second = now.Second + now.Millisecond / 1000.0;
        var wait = second < CreateFrom ? CreateFrom - second : second > CreateUntil ? 60 - second + CreateFrom : 0;
        await Task.Delay(TimeSpan.FromSeconds(wait), ct);
        return TimeSpan.FromSeconds(wait);
    }

    public const int CreateFrom = 15;
    public const int CreateUntil = 42;

    private static async Task DelayUntilAsync(DateTime at, CancellationToken ct)
    {
        var wait = at - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }
    }
}
