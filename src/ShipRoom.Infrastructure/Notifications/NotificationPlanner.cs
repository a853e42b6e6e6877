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
/// the step waits for a person, the cadence report every report interval, and the executive's scheduled updates. Each event has a stable key, so
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

        foreach (var executive in ExecutiveUpdateSchedule.Due(snapshot, plan, decisions, wallNow, lookBack))
        {
            events.Add(new PostEvent(PostKinds.ExecutiveUpdate, ExecutiveUpdateSchedule.KeyOf(id, executive), Executive: executive));
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

        // Gate results at the end of every phase's window, also when the poll that completed it advanced the rollout.
        foreach (var phase in PhasesWithCompleteWindows(snapshot).Where(p => p.WindowEnd >= now - RolloutSpan(snapshot, lookBack)))
        {
            events.Add(new PostEvent(PostKinds.GateResults, $"gates:{id}:{phase.Index}", PhaseIndex: phase.Index));
        }

        if (!snapshot.IsLive)
        {
            return events;
        }

        var windowDone = verdict.Advance.MinutesObserved >= verdict.Advance.MinutesRequired;
        if (windowDone && verdict.Advance is { ApprovalRequired: true, AutoApproved: false, Approval: null } && snapshot.Status == RolloutStatus.Running)
        {
            events.Add(new PostEvent(PostKinds.ApprovalRequested, $"approval-requested:{id}:{snapshot.PhaseIndex}"));
        }

        if (ReportSlot(snapshot, plan) is { } slot)
        {
            events.Add(new PostEvent(PostKinds.CadenceReport, $"report:{id}:t+{slot.Minutes}"));
        }

        return events;
    }

    /// <summary>T-0 on the rollout's clock: when its first phase started (the plan's T-0 before that is known).</summary>
    public static DateTimeOffset? StartOf(RolloutSnapshot snapshot) => snapshot.Phases.FirstOrDefault()?.StartedAt ?? snapshot.Release.T0;

    /// <summary>The plan's report interval: its shortest phase interval, so every phase is reported at least as often as it asks.</summary>
    public static TimeSpan ReportInterval(RolloutPlan plan) =>
        plan.Phases.Select(p => p.ReportEvery).Where(e => e > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Min();

    /// <summary>
    /// The latest report slot reached on the rollout's clock, counted from T-0 whatever the phase boundaries: T+15,
    /// T+30, … (none before the first interval has passed). Slots are named by their minutes since T-0, so every
    /// instance and every restart finds the same key for the same slot.
    /// </summary>
    public static ReportSlotTime? ReportSlot(RolloutSnapshot snapshot, RolloutPlan plan)
    {
        var every = ReportInterval(plan);
        if (every <= TimeSpan.Zero || StartOf(snapshot) is not { } t0 || snapshot.Now < t0)
        {
            return null;
        }

        var slot = (long)Math.Floor((snapshot.Now - t0) / every);
        return slot >= 1 ? new ReportSlotTime(slot, (long)Math.Round((every * slot).TotalMinutes), t0 + every * slot) : null;
    }

    /// <summary>
    /// Phases whose observation window has ended, and ended while the rollout was still in that phase (a phase left
    /// early by a rollback or an override has no window result).
    /// </summary>
    public static IEnumerable<(int Index, DateTimeOffset WindowEnd)> PhasesWithCompleteWindows(RolloutSnapshot snapshot)
    {
        for (var i = 0; i < snapshot.Phases.Count && i <= snapshot.PhaseIndex; i++)
        {
            var phase = snapshot.Phases[i];
            if (phase.StartedAt is not { } started || phase.ObserveMinutes <= 0)
            {
                continue;
            }

            var windowEnd = started.AddMinutes(phase.ObserveMinutes);
            var left = i + 1 < snapshot.Phases.Count ? snapshot.Phases[i + 1].StartedAt : null;
            var stillIn = i == snapshot.PhaseIndex && snapshot.IsLive;
            if (windowEnd <= snapshot.Now && (left is { } l ? windowEnd <= l : stillIn))
            {
                yield return (i, windowEnd);
            }
        }
    }

    /// <summary>A wall-clock span as rollout time (a demo clock may run faster than the wall).</summary>
    private static TimeSpan RolloutSpan(RolloutSnapshot snapshot, TimeSpan wall) => wall * Math.Max(1, snapshot.TimeFactor);

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

/// <summary>A report slot: its number, its minutes after T-0 (T+15 is 15) and when it fell due on the rollout's clock.</summary>
public readonly record struct ReportSlotTime(long Number, long Minutes, DateTimeOffset DueAt);
