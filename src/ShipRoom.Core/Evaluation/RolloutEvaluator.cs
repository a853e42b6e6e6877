using ShipRoom.Core.Conditions;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Security;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// Judges a rollout's current phase from its plan and samples: gates minute by minute, triggers in time order, the
/// canary judgement, the advance decision and the recommendation. Triggers outrank gates and schedules; GREEN and
/// YELLOW pass every decision alike; the judgement counts (FAIL holds, MARGINAL needs the executive).
/// </summary>
public sealed class RolloutEvaluator(CanaryJudge judge)
{
    public static RolloutEvaluator Default { get; } = new(CanaryJudge.Default);

    /// <param name="triggersFrom">Where trigger streaks start counting; defaults to the phase start less the longest
    /// trigger duration, so a streak that began just before an advance still counts. After a resume, pass the resume time.</param>
    /// <param name="memo">The same rollout's memo from its previous evaluation (see <see cref="MinuteMemo"/>): the
    /// verdict is the same with or without it; with it, only new or revised minutes of gates and metric triggers are judged.</param>
    public RolloutVerdict Evaluate(RolloutPlan plan, EvaluationInput input, DateTimeOffset? triggersFrom = null, MinuteMemo? memo = null)
    {
        if (memo is null)
        {
            return Judge(plan, input, triggersFrom, null);
        }

        lock (memo)
        {
            memo.Begin();
            RolloutVerdict verdict;
            try
            {
                verdict = Judge(plan, input, triggersFrom, memo);
            }
            catch
            {
                // Part of the memo may describe this evaluation and part the one before: the next one starts afresh.
                memo.Reset();
                throw;
            }

            memo.End();
            return verdict;
        }
    }

    private RolloutVerdict Judge(RolloutPlan plan, EvaluationInput input, DateTimeOffset? triggersFrom, MinuteMemo? memo)
    {
        var phase = plan.Phases[input.PhaseIndex];
        var series = memo?.IndexOf(input.Samples) ?? new SeriesIndex(input.Samples);
        var isFinalPhase = input.PhaseIndex == plan.Phases.Count - 1;
        var window = isFinalPhase ? plan.Stabilisation : phase.Observe;

        var gates = plan.GatesFor(input.PhaseIndex)
            .Select(g => GateEvaluator.Evaluate(g, plan.FindMetric(g.Series.MetricKey)!, series, input.PhaseStartedAt, input.Now, window, input.SigmaHistory, memo))
            .ToList();

        var longestTrigger = TimeSpan.FromMinutes(plan.Triggers.Where(t => t.ProbeFailures is null && t.CumulativeMoreThan is null).Select(TriggerEvaluator.RequiredMinutes).DefaultIfEmpty(0).Max());
        var rolloutStart = input.RolloutStartedAt ?? (input.PhaseIndex == 0 ? input.PhaseStartedAt : DateTimeOffset.MinValue);
        var carriedOver = input.PhaseStartedAt - longestTrigger;
        var triggerStart = triggersFrom ?? (carriedOver > rolloutStart ? carriedOver : rolloutStart);
        var context = new TriggerContext(plan, series, input.SigmaHistory, triggerStart, rolloutStart == DateTimeOffset.MinValue ? input.PhaseStartedAt : rolloutStart, input.Signals) { Memo = memo };
        var triggers = plan.Triggers
            .Select(t => Judge(t, plan, input, series, context, triggerStart, memo))
            .Select(t => input.RolloutEnded ? TriggerEvaluator.Stop(t) : t)
            .ToList();

        var windowStart = Minutes.Complete(input.PhaseStartedAt, input.Now).TakeLast(Math.Max(1, Minutes.WholeMinutes(window))).FirstOrDefault();
        var judgedFrom = windowStart == default ? input.PhaseStartedAt : windowStart;
        var judgement = judge.Score(plan, CanaryPairs.Of(plan, series, judgedFrom, input.Now), GateEvidenceOf(plan, gates, judgedFrom));
        var advance = JudgeAdvance(plan, input, series, gates, triggers, judgement, window, isFinalPhase);
        var overall = gates.Count == 0 ? GateStatus.NoData : gates.Select(g => g.Status).Aggregate(GateStatus.Green, GateStatusText.Worst);
        var recommendation = Recommend(plan, input, gates, triggers, judgement, advance, isFinalPhase);
        return new RolloutVerdict(input.Now, input.PhaseIndex, phase.Name, overall, gates, triggers, judgement, advance, recommendation)
        {
            Budgets = ErrorBudget.Statuses(plan, series, context.RolloutStart, input.Now, input.SigmaHistory),
        };
    }

    /// <summary>
    /// One trigger: a plain metric or probe trigger, or one with a combined/counted condition. A payment cap scoped to
    /// phases stops after its last phase once the deploy system acknowledged the lift; while the lift is pending it still watches.
    /// </summary>
    private static TriggerVerdict Judge(TriggerDefinition trigger, RolloutPlan plan, EvaluationInput input, SeriesIndex series, TriggerContext context, DateTimeOffset triggerStart,
        MinuteMemo? memo)
    {
        if (trigger.ActiveThrough is { } through && plan.PhaseIndexOf(through) is var last and >= 0 && input.PhaseIndex > last && input.PaymentCapsLifted)
        {
            return CompoundTriggerEvaluator.Lifted(trigger, plan.Phases[last].Name);
        }

        return trigger.When is not null
            ? CompoundTriggerEvaluator.Evaluate(trigger, context, input.PhaseStartedAt, input.Now)
            : TriggerEvaluator.Evaluate(trigger, plan, series, input.ProbeRuns ?? [], triggerStart, input.Now, input.SigmaHistory, memo);
    }

    /// <summary>Per gated metric: the minutes since <paramref name="from"/> where the canary failed its gate and the control did not.</summary>
    private static List<GateEvidence> GateEvidenceOf(RolloutPlan plan, IReadOnlyList<GateVerdict> gates, DateTimeOffset from) =>
        gates.Select(gate =>
        {
            var definition = plan.Gates.First(g => g.Key == gate.Key);
            var metric = plan.FindMetric(gate.MetricKey)!;
            var minutes = gate.History.Where(m => m.Minute >= from).ToList();
            return new GateEvidence(gate.MetricKey, definition.Pass.Text, minutes.Count(m => m.Status == GateStatus.Red && CanaryOnlyFailure(definition.Pass, metric, m)), minutes.Count);
        }).ToList();

    private static bool CanaryOnlyFailure(Condition pass, MetricDefinition metric, GateMinute minute) => pass switch
    {
        AbsoluteCondition => ConditionEvaluator.Evaluate(pass, minute.Control, null, null, metric.Better).Truth == Truth.True,
        RelativeCondition => minute.Canary is { } canary && minute.Control is { } control && (metric.Better == BetterDirection.Lower ? canary > control : canary < control),
        _ => false,
    };

    private static AdvanceVerdict JudgeAdvance(RolloutPlan plan, EvaluationInput input, SeriesIndex series, IReadOnlyList<GateVerdict> gates, IReadOnlyList<TriggerVerdict> triggers,
        CanaryScore judgement, TimeSpan window, bool isFinalPhase)
    {
        var missing = new List<string>();
        var observed = Minutes.CompleteCount(input.PhaseStartedAt, input.Now);
        var required = Math.Max(1, Minutes.WholeMinutes(window));
        if (observed < required)
        {
            missing.Add($"{observed} of {required} minutes observed");
        }

        foreach (var gate in gates.Where(g => !g.PassedThroughoutWindow))
        {
            var firstBad = gate.History.TakeLast(required).FirstOrDefault(m => !m.Status.Passes());
            if (firstBad is not null)
            {
                var definition = plan.Gates.First(g => g.Key == gate.Key);
                missing.Add(VerdictText.GateBlocking(gate, plan.FindMetric(gate.MetricKey)!, definition.Pass, firstBad));
            }
        }

        foreach (var trigger in triggers.Where(t => t.State == TriggerState.Fired))
        {
            missing.Add($"trigger {trigger.Name} fired at {VerdictText.Time(trigger.FiredAt)}");
        }

        if (judgement.Classification == ScoreClassification.Fail)
        {
            missing.Add($"canary judgement {judgement.Summary}");
        }

        // A step needs a sign-off when the plan says so, or when the judgement is MARGINAL (the executive decides).
        var rule = isFinalPhase ? null : plan.ApprovalToLeave(input.PhaseIndex);
        var marginal = !isFinalPhase && judgement.Classification == ScoreClassification.Marginal;
        var role = rule?.Role ?? (marginal ? Roles.ExecutiveApprover : null);
        var autoApproved = false;
        ApprovalGiven? approval = null;
        var autoMissing = new List<string>();
        if (role is not null)
        {
            autoMissing.AddRange(AutoApprovalMissing(plan, input, series, gates, rule, required));
            if (marginal)
            {
                autoMissing.Add($"the canary judgement is {judgement.Summary}");
            }

            autoApproved = observed >= required && autoMissing.Count == 0;
            approval = input.Approvals?.LastOrDefault(a => a.FromPhaseIndex == input.PhaseIndex && a.Role == role);
            if (!autoApproved && approval is null)
            {
                missing.Add($"waiting for the {Roles.DisplayName(role).ToLowerInvariant()}'s sign-off (not auto-approved: {string.Join("; ", autoMissing)})");
            }
        }

        return new AdvanceVerdict(missing.Count == 0, observed, required, role is not null, autoApproved, role, approval, missing)
        {
            AutoApprovalMissing = autoMissing,
        };
    }

    /// <summary>What the plan's auto-approval asks for and did not get over the window; empty when it is auto-approved.</summary>
    private static IEnumerable<string> AutoApprovalMissing(RolloutPlan plan, EvaluationInput input, SeriesIndex series, IReadOnlyList<GateVerdict> gates, ApprovalRule? rule, int required)
    {
        if (rule is null)
        {
            yield break;
        }

        if (!rule.AutoApproveRequiresAllGatesGreen && rule.AutoApproveWhen.Count == 0)
        {
            yield return "the plan gives this step no auto-approval";
            yield break;
        }

        if (rule.AutoApproveRequiresAllGatesGreen && gates.FirstOrDefault(g => !g.PassedThroughoutWindow) is { } failing)
        {
            yield return $"every gate passing (GREEN or YELLOW) on every minute of the window; {failing.Name}: {VerdictText.Window(failing)}";
        }

        var minutes = Minutes.Complete(input.PhaseStartedAt, input.Now).TakeLast(required).ToList();
        foreach (var condition in rule.AutoApproveWhen)
        {
            var metric = plan.FindMetric(condition.Series.MetricKey)!;
            var wanted = $"{metric.Name} {condition.Condition.Text} on every minute of the window";
            if (minutes.Count < required)
            {
                yield return $"{wanted} ({minutes.Count} of {required} minutes observed)";
                continue;
            }

            if (FirstFailure(series, condition, metric, minutes, input.SigmaHistory) is { } failure)
            {
                yield return $"{wanted} ({failure})";
            }
        }
    }

    private static string? FirstFailure(SeriesIndex series, AutoApproveCondition condition, MetricDefinition metric, IEnumerable<DateTimeOffset> minutes, TimeSpan sigmaHistory)
    {
        foreach (var minute in minutes)
        {
            foreach (var (journey, result, canary, _) in SeriesReader.Evaluate(series, condition.Series, metric, condition.Condition, minute, sigmaHistory))
            {
                if (result.Truth == Truth.NoData)
                {
                    return $"{metric.Describe(journey)} had no data at {VerdictText.Time(minute)}";
                }

                if (result.Truth == Truth.False)
                {
                    return $"{metric.Describe(journey)} was {NumberText.WithUnit(canary, metric.Unit, VerdictText.Limit(condition.Condition))} at {VerdictText.Time(minute)}";
                }
            }
        }

        return null;
    }

    private static Recommendation Recommend(RolloutPlan plan, EvaluationInput input, IReadOnlyList<GateVerdict> gates, IReadOnlyList<TriggerVerdict> triggers, CanaryScore judgement,
        AdvanceVerdict advance, bool isFinalPhase)
    {
        var fired = triggers.Where(t => t.State == TriggerState.Fired).ToList();
        var rollbacks = fired.Where(t => t.Action == TriggerAction.Rollback).ToList();
        if (rollbacks.Count > 0)
        {
            return new Recommendation(RecommendationKind.Rollback, rollbacks.Select(t => $"trigger {t.Reason}").ToList());
        }

        var reasons = fired.Select(t => $"trigger {t.Reason}").ToList();
        reasons.AddRange(gates.Where(g => g.Status == GateStatus.Red).Select(g => $"gate {g.Name} is RED: {g.Reason}"));
        if (judgement.Classification == ScoreClassification.Fail)
        {
            reasons.Add($"canary judgement {judgement.Summary}");
        }

        var waitingForData = new List<string>();
        foreach (var gate in gates.Where(g => g.Status == GateStatus.NoData))
        {
            var lasted = gate.Since is { } since ? input.Now - since : TimeSpan.Zero;
            if (plan.NoData.HoldAfter is { } holdAfter && lasted >= holdAfter)
            {
                reasons.Add($"gate {gate.Name} has had NO DATA for {Minutes.WholeMinutes(lasted)} minutes (HOLD after {Minutes.WholeMinutes(holdAfter)}): {gate.Reason}");
            }
            else
            {
                waitingForData.Add($"gate {gate.Name} has NO DATA since {VerdictText.Time(gate.Since)}"
                                   + (plan.NoData.HoldAfter is { } after ? $" (HOLD if it lasts {Minutes.WholeMinutes(after)} minutes)" : ""));
            }
        }

        if (reasons.Count > 0)
        {
            return new Recommendation(RecommendationKind.Hold, reasons);
        }

        if (advance.MayAdvance)
        {
            var window = $"every gate passed on each of the {advance.MinutesRequired} minutes of the window";
            var yellow = gates.Where(g => g.MinutesYellow > 0).Select(g => $"{g.Name} YELLOW on {g.MinutesYellow}").ToList();
            if (yellow.Count > 0)
            {
                window += $" ({string.Join(", ", yellow)}, inside the warning margin)";
            }

            var go = isFinalPhase
                ? $"{window}: stable at {plan.Phases[input.PhaseIndex].Name}, complete the rollout"
                : $"{window}: advance to {plan.Phases[input.PhaseIndex + 1].Name}";
            var list = new List<string> { go };
            if (judgement.Classification != ScoreClassification.NoData)
            {
                list.Add($"canary judgement {judgement.Summary}");
            }

            if (advance.AutoApproved)
            {
                list.Add("auto-approved: every condition of the plan's auto-approval held on every minute of the window");
            }
            else if (advance.Approval is { } given)
            {
                list.Add($"approved by {given.Actor} ({Roles.DisplayName(given.Role)}): {given.Reason}");
            }

            return new Recommendation(RecommendationKind.Go, list);
        }

        return new Recommendation(RecommendationKind.Continue, [.. waitingForData, .. advance.Missing]);
    }
}
