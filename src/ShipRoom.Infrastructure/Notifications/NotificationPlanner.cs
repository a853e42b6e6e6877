using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// Which posts a rollout is due, from its state alone: T-2h and T-1h by the plan's T-0, a post per decision and phase
/// summary, a post per fired trigger, the gate results when a phase's window is complete, an approval request when
/// the step waits for a person, and the cadence report every report interval. Each event has a stable key, so
/// looking again (after a restart, on another instance) finds the same events and posts nothing twice.
/// </summary>
public static class NotificationPlanner
{
    public static IReadOnlyList<PostEvent> DueEvents(
        RolloutSnapshot snapshot,
        RolloutPlan plan,
        IReadOnlyList<DecisionRecord> decisions,
        IReadOnlyList<PhaseSummaryRecord> summaries,
        DateTimeOffset wallNow,
        TimeSpan lookBack)
    {
        var events = new List<PostEvent>();
        var id = snapshot.Id;
        var now = snapshot.Now;
        if (snapshot.Status is RolloutStatus.Scheduled or RolloutStatus.Draft && snapshot.Release.T0 is { } t0)
        {
            if (now >= t0.AddHours(-2) && now < t0.AddHours(-1))
            {
                events.Add(new PostEvent(PostKinds.TMinus2h, $"t-2h:{id}"));
            }
            else if (now >= t0.AddHours(-1) && now <= t0.AddMinutes(10))
            {
                events.Add(new PostEvent(PostKinds.TMinus1h, $"t-1h:{id}"));
            }
        }

        foreach (var decision in decisions.OrderBy(d => d.Id))
        {
            if (decision.Outcome is DecisionOutcome.Pending or DecisionOutcome.Refused || decision.RequestedAt < wallNow - lookBack || KindOf(decision) is not { } kind)
            {
                continue;
            }

            events.Add(new PostEvent(kind, $"decision:{decision.Id}", Decision: decision));
        }

        foreach (var summary in summaries.Where(s => s.PostedAt >= wallNow - lookBack).OrderBy(s => s.Id))
        {
            events.Add(new PostEvent(PostKinds.PhaseSummary, $"summary:{summary.Id}", Summary: summary));
        }

        if (snapshot.Verdict is not { } verdict)
        {
            return events;
        }

        // A rollback trigger usually ends the rollout in the poll that saw it fire: it is still posted afterwards.
        foreach (var trigger in verdict.FiredTriggers.Where(t => t.FiredAt is null || t.FiredAt >= now - lookBack))
        {
            events.Add(new PostEvent(PostKinds.TriggerFired, $"trigger:{id}:{trigger.Key}:{trigger.FiredAt?.ToUnixTimeSeconds()}", Trigger: trigger));
        }

        if (!snapshot.IsLive)
        {
            return events;
        }

        var windowDone = verdict.Advance.MinutesObserved >= verdict.Advance.MinutesRequired;
        if (windowDone)
        {
            events.Add(new PostEvent(PostKinds.GateResults, $"gates:{id}:{snapshot.PhaseIndex}"));
        }

        if (windowDone && verdict.Advance is { ApprovalRequired: true, AutoApproved: false, Approval: null } && snapshot.Status == RolloutStatus.Running)
        {
            events.Add(new PostEvent(PostKinds.ApprovalRequested, $"approval-requested:{id}:{snapshot.PhaseIndex}"));
        }

        if (ReportSlot(snapshot, plan) is { } slot)
        {
            events.Add(new PostEvent(PostKinds.CadenceReport, $"report:{id}:{snapshot.PhaseIndex}:{slot}"));
        }

        return events;
    }

    /// <summary>
    /// How many of the current phase's report intervals have passed since it started (none before the first has): each
    /// phase keeps its own cadence, and its slots never collide with an earlier phase's.
    /// </summary>
    public static long? ReportSlot(RolloutSnapshot snapshot, RolloutPlan plan)
    {
        var started = snapshot.PhaseStartedAt ?? snapshot.Now;
        var every = plan.Phases[Math.Clamp(snapshot.PhaseIndex, 0, plan.Phases.Count - 1)].ReportEvery;
        if (every <= TimeSpan.Zero)
        {
            return null;
        }

        var slot = (long)Math.Floor((snapshot.Now - started) / every);
        return slot >= 1 ? slot : null;
    }

    private static string? KindOf(DecisionRecord decision) => decision.Kind switch
    {
        RolloutCommand.Start => PostKinds.T0,
        RolloutCommand.Hold => PostKinds.Hold,
        RolloutCommand.Resume => PostKinds.Resume,
        RolloutCommand.RollBack => PostKinds.Rollback,
        RolloutCommand.Advance => PostKinds.Advance,
        RolloutCommand.Complete => PostKinds.Complete,
        RolloutCommand.Approve => PostKinds.ApprovalGiven,
        _ => null,
    };
}
