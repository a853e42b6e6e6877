using ShipRoom.Infrastructure.MetricSources.Selection;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Infrastructure.Probes;

/// <summary>
/// Runs each live rollout's synthetic probes on their interval, records every run (stamped in the rollout's time),
/// then has the rollout judged again so "3 consecutive probe failures" acts at once, not at the next poll.
/// The simulator's rollouts (the demo) record passing runs without calling anything.
/// </summary>
public sealed class ProbeService(
    IRolloutRepository rollouts,
    ProbeRecorder recorder,
    HttpProbeRunner runner,
    PlanCache plans,
    RolloutPoller poller,
    PollScheduleOptions options,
    TimeProvider time,
    ILogger<ProbeService> logger)
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastRun = new();

    public Task<int> RunDueAsync(CancellationToken cancellationToken) =>
        // Every scheduler tick: only the live rollouts are listed (only they are probed), not every rollout ever made.
        RolloutSweep.SumAsync(rollouts, IsDue, RunAsync, logger, "Probing", cancellationToken, liveOnly: true);

    private bool IsDue(RolloutRecord rollout) =>
        RolloutStateMachine.IsLive(rollout.Status)
        && !(_lastRun.TryGetValue(rollout.Id, out var last) && time.GetUtcNow() - last < RolloutClock.ToWall(rollout, options.ProbeInterval));

    public async Task<int> RunAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var plan = plans.Get(rollout);
        var wallNow = time.GetUtcNow();
        _lastRun[rollout.Id] = wallNow;
        if (plan.Probes.Count == 0)
        {
            return 0;
        }

        var at = RolloutClock.Now(rollout, wallNow);
        var simulated = RolloutSourceSettings.FromJson(rollout.SourceSettings).SimulatedProbes ?? rollout.MetricSource == MetricSourceNames.Simulator;
        var results = new List<HttpProbeRunner.Result>(plan.Probes.Count);
        foreach (var probe in plan.Probes)
        {
            var result = simulated
                ? new HttpProbeRunner.Result(new ProbeRun(probe.Name, at, true, "simulated"), null, probe.ExpectStatus)
                : await runner.RunAsync(probe, cancellationToken);
            results.Add(result with { Run = result.Run with { RanAt = at } });
        }

        await recorder.RecordAsync(rollout.Id, results, cancellationToken);
        if (results.Any(r => !r.Run.Passed))
        {
            // A failure may complete a streak: judge now rather than at the next poll.
            await poller.JudgeAndActAsync(rollout.Id, cancellationToken);
        }

        return plan.Probes.Count;
    }
}
