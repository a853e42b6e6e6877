using System.Globalization;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// Judges a rollout's current phase from its plan and samples: gates minute by minute, triggers in time order, the
/// canary score, the advance decision and the recommendation. Triggers outrank gates and schedules.
/// </summary>
public sealed class RolloutEvaluator(CanaryJudge judge)
{
    public static RolloutEvaluator Default { get; } = new(CanaryJudge.Default);

    /// <param name="triggersFrom">Where trigger streaks start counting; defaults to the phase start less the longest
    /// trigger duration, so a streak that began just before an advance still counts. After a resume, pass the resume time.</param>
    public RolloutVerdict Evaluate(RolloutPlan plan, EvaluationInput input, DateTimeOffset? triggersFrom = null)
    {
        var phase = plan.Phases[input.PhaseIndex];
        var series = new SeriesIndex(input.Samples);
        var isFinalPhase = input.PhaseIndex == plan.Phases.Count - 1;
        var window = isFinalPhase ? plan.Stabilisation : phase.Observe;
        var yellowCountsAsGreen = !plan.YellowBlocksAdvance;

        var gates = plan.GatesFor(input.PhaseIndex)
            .Select(g => GateEvaluator.Evaluate(g, plan.FindMetric(g.Series.MetricKey)!, series, input.PhaseStartedAt, input.Now, window, yellowCountsAsGreen, input.SigmaHistory))
            .ToList();

        var longestTrigger = plan.Triggers.Select(t => (t.For ?? TimeSpan.Zero) + TimeSpan.FromMinutes(t.Checks ?? 0)).DefaultIfEmpty(TimeSpan.Zero).Max();
        var rolloutStart = input.RolloutStartedAt ?? (input.PhaseIndex == 0 ? input.PhaseStartedAt : DateTimeOffset.MinValue);
        var carriedOver = input.PhaseStartedAt - longestTrigger;
        var triggerStart = triggersFrom ?? (carriedOver > rolloutStart ? carriedOver : rolloutStart);
        var triggers = plan.Triggers
            .Select(t => TriggerEvaluator.Evaluate(t, plan, series, input.ProbeRuns ?? [], triggerStart, input.Now, input.SigmaHistory))
            .ToList();

        var windowStart = Minutes.Complete(input.PhaseStartedAt, input.Now).TakeLast(Math.Max(1, Minutes.WholeMinutes(window))).FirstOrDefault();
        var judgement = judge.Score(plan, series, windowStart == default ? input.PhaseStartedAt : windowStart, input.Now);
        var advance = JudgeAdvance(plan, input, series, gates, triggers, window);
        var overall = gates.Count == 0 ? GateStatus.NoData : gates.Select(g => g.Status).Aggregate(GateStatus.Green, GateStatusText.Worst);
        var recommendation = Recommend(plan, input, gates, triggers, advance, isFinalPhase);
        return new RolloutVerdict(input.Now, input.PhaseIndex, phase.Name, overall, gates, triggers, judgement, advance, recommendation);
    }

    private static AdvanceVerdict JudgeAdvance(RolloutPlan plan, EvaluationInput input, SeriesIndex series, IReadOnlyList<GateVerdict> gates, IReadOnlyList<TriggerVerdict> triggers, TimeSpan window)
    {
        var missing = new List<string>();
        var observed = Minutes.Complete(input.PhaseStartedAt, input.Now).Count();
        var required = Math.Max(1, Minutes.WholeMinutes(window));
        if (observed < required)
        {
            missing.Add($"{observed} of {required} minutes observed");
        }

        foreach (var gate in gates.Where(g => !g.GreenThroughoutWindow))
        {
            var windowMinutes = gate.History.TakeLast(required).ToList();
            var firstBad = windowMinutes.FirstOrDefault(m => m.Status is GateStatus.Red or GateStatus.NoData || (plan.YellowBlocksAdvance && m.Status == GateStatus.Yellow));
            if (firstBad is not null)
            {
                missing.Add($"gate {gate.Name} was {firstBad.Status.ToText()} at {firstBad.Minute:HH:mm} UTC");
            }
            else if (observed >= required)
            {
                missing.Add($"gate {gate.Name} has not been GREEN for the whole window");
            }
        }

        foreach (var trigger in triggers.Where(t => t.State == TriggerState.Fired))
        {
            missing.Add($"trigger {trigger.Name} fired at {trigger.FiredAt:HH:mm} UTC");
        }

        var rule = input.PhaseIndex < plan.Phases.Count - 1 ? plan.ApprovalToLeave(input.PhaseIndex) : null;
        var autoApproved = false;
        ApprovalGiven? approval = null;
        if (rule is not null)
        {
            var gatesGreen = !rule.AutoApproveRequiresAllGatesGreen || gates.All(g => g.GreenThroughoutWindow && g.MinutesYellow == 0);
            var conditionsHold = rule.AutoApproveWhen.All(c => HoldsThroughout(plan, series, c, input, required));
            autoApproved = observed >= required && gatesGreen && conditionsHold;
            approval = input.Approvals?.LastOrDefault(a => a.FromPhaseIndex == input.PhaseIndex && a.Role == rule.Role);
            if (!autoApproved && approval is null)
            {
                var why = rule.AutoApproveWhen.Count > 0 || rule.AutoApproveRequiresAllGatesGreen
                    ? $" (not auto-approved: needs {string.Join(" and ", AutoApproveWording(rule))} over the window)"
                    : "";
                missing.Add($"waiting for {rule.Role} approval{why}");
            }
        }

        return new AdvanceVerdict(missing.Count == 0, observed, required, rule is not null, autoApproved, rule?.Role, approval, missing);
    }

    private static IEnumerable<string> AutoApproveWording(ApprovalRule rule)
    {
        if (rule.AutoApproveRequiresAllGatesGreen)
        {
            yield return "every gate GREEN";
        }

        foreach (var condition in rule.AutoApproveWhen)
        {
            yield return $"{condition.Series.MetricKey} {condition.Condition.Text}";
        }
    }

    private static bool HoldsThroughout(RolloutPlan plan, SeriesIndex series, AutoApproveCondition condition, EvaluationInput input, int required)
    {
        var metric = plan.FindMetric(condition.Series.MetricKey)!;
        var minutes = Minutes.Complete(input.PhaseStartedAt, input.Now).TakeLast(required).ToList();
        return minutes.Count >= required && minutes.All(minute =>
            SeriesReader.Evaluate(series, condition.Series, metric, condition.Condition, minute, input.SigmaHistory).All(r => r.Result.Truth == Truth.True));
    }

    private static Recommendation Recommend(RolloutPlan plan, EvaluationInput input, IReadOnlyList<GateVerdict> gates, IReadOnlyList<TriggerVerdict> triggers, AdvanceVerdict advance, bool isFinalPhase)
    {
        var fired = triggers.Where(t => t.State == TriggerState.Fired).ToList();
        var rollbacks = fired.Where(t => t.Action == TriggerAction.Rollback).ToList();
        if (rollbacks.Count > 0)
        {
            return new Recommendation(RecommendationKind.Rollback, rollbacks.Select(Describe).ToList());
        }

        var reasons = fired.Select(Describe).ToList();
        reasons.AddRange(gates.Where(g => g.Status == GateStatus.Red).Select(g => $"gate {g.Name} is RED: canary {Format(g.Canary)} against {g.Limit}"));
        if (plan.NoData.HoldAfter is { } holdAfter)
        {
            foreach (var gate in gates.Where(g => g.Status == GateStatus.NoData && g.Since is not null))
            {
                var lasted = input.Now - gate.Since!.Value;
                if (lasted >= holdAfter)
                {
                    reasons.Add($"gate {gate.Name} has had NO DATA for {Minutes.WholeMinutes(lasted)} minutes");
                }
            }
        }

        if (reasons.Count > 0)
        {
            return new Recommendation(RecommendationKind.Hold, reasons);
        }

        if (advance.MayAdvance)
        {
            var go = isFinalPhase
                ? $"stable at {plan.Phases[input.PhaseIndex].Name} for the stabilisation window: complete the rollout"
                : $"every gate GREEN for the window: advance to {plan.Phases[input.PhaseIndex + 1].Name}";
            var list = new List<string> { go };
            if (advance.AutoApproved)
            {
                list.Add("auto-approved by the plan's conditions");
            }
            else if (advance.Approval is { } given)
            {
                list.Add($"approved by {given.Actor} ({given.Role}): {given.Reason}");
            }

            return new Recommendation(RecommendationKind.Go, list);
        }

        return new Recommendation(RecommendationKind.Continue, advance.Missing);
    }

    private static string Describe(TriggerVerdict trigger) =>
        $"trigger {trigger.Name} fired at {trigger.FiredAt:HH:mm} UTC ({trigger.Condition}{(trigger.Detail is null ? "" : $"; {trigger.Detail}")})";

    private static string Format(double? value) => NumberText.Plain(value);
}
