using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Reports;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>
/// Builds a rollout's Go/No-Go scorecard: the current phase's gates from the live verdict, earlier phases' gates from
/// the recorded history (their last status in that phase), every trigger with whether it ever fired, and the
/// decisions, summaries and checklists as they stand.
/// </summary>
public sealed class ScorecardService(
    IRolloutRepository rollouts,
    SnapshotBuilder snapshots,
    PlanCache plans,
    IDecisionRepository decisions,
    IJudgementHistoryRepository history,
    ISampleRepository samples,
    TimeProvider time)
{
    public async Task<Scorecard?> BuildAsync(long rolloutId, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return null;
        }

        var snapshot = await snapshots.BuildAsync(rollout, cancellationToken);
        var plan = plans.Get(rollout);
        var gateHistory = await history.ListGatesAsync(rolloutId, cancellationToken);
        var triggerHistory = await history.ListTriggersAsync(rolloutId, cancellationToken);
        var decided = await decisions.ListAsync(rolloutId, 1000, cancellationToken);
        var verdict = snapshot.Verdict;
        return new Scorecard(
            snapshot.Id,
            snapshot.Name,
            snapshot.Release.Version,
            snapshot.Release.Commit,
            snapshot.Status.ToString(),
            snapshot.CurrentPhase.Name,
            time.GetUtcNow(),
            verdict?.Recommendation.Text ?? "NO DATA",
            verdict?.Recommendation.Reasons ?? ["no metrics judged yet"],
            verdict?.Judgement.Score,
            verdict?.Judgement.ClassificationText ?? "NO DATA",
            await GatesAsync(rollout, plan, snapshot, gateHistory, cancellationToken),
            Triggers(plan, verdict, triggerHistory),
            decided.Where(d => d.Outcome != DecisionOutcome.Pending).OrderBy(d => d.RequestedAt)
                .Select(d => new ScorecardDecision(d.RequestedAt, d.Kind.Key(), d.Actor, d.Reason, d.Outcome.ToString(), d.Outcome == DecisionOutcome.Failed ? d.Error : d.ToStatus)).ToList(),
            snapshot.Summaries.OrderBy(s => s.PostedAt).Select(s => new ScorecardSummary(s.Phase, s.Author, s.Recommendation, s.Markdown, s.PostedAt)).ToList(),
            snapshot.Checklists.Select(c => new ScorecardChecklist(c.Name, c.Done, c.Items.Count, c.Items.Where(i => !i.IsClosed).Select(i => i.Title).ToList())).ToList());
    }

    /// <summary>
    /// The current phase from the live verdict; each earlier phase judged again, from the stored samples, as it stood
    /// when the phase ended, so its values and minutes are the ones that let it advance. The recorded history is the
    /// fallback for a phase whose end is unknown.
    /// </summary>
    private async Task<List<ScorecardGate>> GatesAsync(RolloutRecord rollout, RolloutPlan plan, RolloutSnapshot snapshot, IReadOnlyList<GateResultRecord> history, CancellationToken cancellationToken)
    {
        var gates = new List<ScorecardGate>();
        var phases = await rollouts.ListPhasesAsync(rollout.Id, cancellationToken);
        for (var phase = 0; phase < plan.Phases.Count && phase <= snapshot.PhaseIndex; phase++)
        {
            if (phase == snapshot.PhaseIndex && snapshot.Verdict is { } verdict)
            {
                gates.AddRange(verdict.Gates.Select(g => Row(plan, phase, g)));
                continue;
            }

            var record = phases.FirstOrDefault(p => p.PhaseIndex == phase);
            var ended = record?.EndedAt ?? phases.Where(p => p.PhaseIndex > phase && p.StartedAt is not null).Select(p => p.StartedAt).Min();
            if (record?.StartedAt is { } started && ended is { } end && end > started)
            {
                var read = await samples.ReadAsync(rollout.Id, started.AddHours(-1), end, cancellationToken);
                var past = Core.Evaluation.RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(phase, started, end, read) { RolloutStartedAt = phases.Where(p => p.StartedAt is not null).Min(p => p.StartedAt) });
                gates.AddRange(past.Gates.Select(g => Row(plan, phase, g)));
                continue;
            }

            if (record?.StartedAt is null)
            {
                continue;
            }

            foreach (var gate in plan.GatesFor(phase))
            {
                var last = history.LastOrDefault(h => h.PhaseIndex == phase && h.GateKey == gate.Key);
                var status = last?.Status ?? "NO DATA";
                gates.Add(new ScorecardGate(plan.Phases[phase].Name, gate.Key, gate.Name, ResultOf(status), status, last?.Canary, last?.Control, last?.Detail ?? "",
                    last is null ? "no judgement recorded in this phase" : $"{status} from {last.At:yyyy-MM-dd HH:mm} UTC until the phase ended; values as of that change"));
            }
        }

        return gates;
    }

    private static ScorecardGate Row(RolloutPlan plan, int phase, GateVerdict g) =>
        new(plan.Phases[phase].Name, g.Key, g.Name, ResultOf(g.Status), g.StatusText, g.Canary, g.Control, g.Limit, g.Reason);

    private static List<ScorecardTrigger> Triggers(RolloutPlan plan, RolloutVerdict? verdict, IReadOnlyList<TriggerResultRecord> history) =>
        plan.Triggers.Select(t =>
        {
            var live = verdict?.Triggers.FirstOrDefault(v => v.Key == t.Key);
            var fired = history.Where(h => h.TriggerKey == t.Key && h.State == nameof(TriggerState.Fired)).ToList();
            var everFired = fired.Count > 0 || live?.State == TriggerState.Fired;
            var evidence = everFired
                ? $"fired {(fired.Count > 0 ? $"at {fired[0].At:yyyy-MM-dd HH:mm} UTC in phase {plan.Phases[Math.Clamp(fired[0].PhaseIndex, 0, plan.Phases.Count - 1)].Name}" : $"at {live!.FiredAt:HH:mm} UTC")}"
                : live is null ? "not judged" : $"did not fire: {live.Reason}";
            return new ScorecardTrigger(t.Key, t.Name, t.Action.ToString().ToUpperInvariant(), everFired ? ScorecardResults.Fired : ScorecardResults.Pass, live?.Condition ?? t.Name, evidence);
        }).ToList();

    private static string ResultOf(GateStatus status) => ResultOf(status.ToText());

    // YELLOW passes exactly as GREEN does; the status column still says YELLOW.
    private static string ResultOf(string status) => status switch
    {
        "GREEN" or "YELLOW" => ScorecardResults.Pass,
        "RED" => ScorecardResults.Fail,
        _ => ScorecardResults.NoData,
    };
}
