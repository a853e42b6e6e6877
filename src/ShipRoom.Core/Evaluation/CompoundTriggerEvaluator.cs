using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// Judges a trigger with a <see cref="TriggerDefinition.When"/> condition. Minute by minute as
/// <see cref="TriggerEvaluator"/> does: consecutive minutes for <c>for:</c>/<c>checks:</c> (one minute when neither is
/// given), or, with <c>cumulative:</c>, minutes in breach added up since the phase began. A trigger on a signal alone
/// fires when the signal is raised, not at the end of its minute. The reason names every part that held.
/// </summary>
public static class CompoundTriggerEvaluator
{
    public static TriggerVerdict Evaluate(TriggerDefinition trigger, TriggerContext context, DateTimeOffset phaseStart, DateTimeOffset now)
    {
        var when = trigger.When!;
        if (when is SignalCondition signal)
        {
            return Signals(trigger, signal, context);
        }

        var cumulative = trigger.CumulativeMoreThan is not null;
        var required = cumulative ? trigger.CumulativeMoreThan!.Value + 1 : TriggerEvaluator.RequiredMinutes(trigger);
        var from = cumulative ? (phaseStart > context.CountFrom ? phaseStart : context.CountFrom) : context.CountFrom;
        var bad = 0;
        DateTimeOffset? firstBad = null;
        DateTimeOffset? firedAt = null;
        DateTimeOffset? lastBadMinute = null;
        IReadOnlyList<string> held = [];
        var lastTruth = Truth.NoData;
        foreach (var minute in Minutes.Complete(from, now))
        {
            var result = TriggerConditionEvaluator.Evaluate(when, context, minute);
            lastTruth = result.Truth;
            if (result.Truth == Truth.NoData)
            {
                continue;
            }

            if (result.Truth == Truth.True)
            {
                bad++;
                firstBad ??= minute;
                lastBadMinute = minute;
                held = result.Held;
                if (bad >= required)
                {
                    firedAt = minute;
                    break;
                }
            }
            else if (!cumulative)
            {
                bad = 0;
                firstBad = null;
            }
        }

        var state = firedAt is not null ? TriggerState.Fired
            : lastTruth == Truth.NoData ? TriggerState.NoData
            : (cumulative ? lastTruth == Truth.True || bad > 0 : bad > 0) ? TriggerState.Arming
            : TriggerState.Idle;
        var showHeld = bad > 0 && held.Count > 0;
        var detail = showHeld ? $"at {VerdictText.Time(lastBadMinute)}: {string.Join(" and ", held)}" : null;
        var verdict = new TriggerVerdict(trigger.Key, trigger.Name, trigger.Action, state, TimeSpan.FromMinutes(bad), TimeSpan.FromMinutes(Math.Max(0, required - bad)),
            bad, required, firstBad, firedAt, when.Text, detail)
        {
            MetricKey = FirstMetric(when, context.Plan),
            MetricName = FirstMetric(when, context.Plan) is { Length: > 0 } key ? context.Plan.FindMetric(key)?.Name : null,
            Watches = Watches(when, context.Plan),
            LastBadMinute = bad > 0 ? lastBadMinute : null,
            Counts = cumulative ? "minutes in breach this phase" : null,
        };
        return verdict with { Reason = VerdictText.Trigger(verdict) };
    }

    private static TriggerVerdict Signals(TriggerDefinition trigger, SignalCondition signal, TriggerContext context)
    {
        var raised = TriggerConditionEvaluator.RaisedBy(signal, context, DateTimeOffset.MaxValue);
        var first = raised.FirstOrDefault();
        var verdict = new TriggerVerdict(trigger.Key, trigger.Name, trigger.Action, first is null ? TriggerState.Idle : TriggerState.Fired, TimeSpan.Zero, TimeSpan.Zero,
            raised.Count, 1, first?.RaisedAt, first?.RaisedAt, signal.Text, raised.Count == 0 ? null : string.Join("; ", raised.Select(TriggerConditionEvaluator.Describe)))
        {
            Watches = $"external signals of kind {string.Join(", ", signal.Kinds)} (POST /api/rollouts/{{id}}/signals)",
            Counts = "signal(s) raised",
            Signals = raised,
        };
        var reason = first is null
            ? $"{trigger.Name}: IDLE, no {string.Join(" or ", signal.Kinds)} signal raised"
            : VerdictText.Trigger(verdict);
        return verdict with { Reason = reason };
    }

    /// <summary>A phase-scoped trigger after its last phase: lifted, no longer watching (a fired one stays fired).</summary>
    public static TriggerVerdict Lifted(TriggerDefinition trigger, string afterPhase) =>
        new(trigger.Key, trigger.Name, trigger.Action, TriggerState.Stopped, TimeSpan.Zero, TimeSpan.Zero, 0, 1, null, null, trigger.When?.Text ?? trigger.Name, null)
        {
            Watches = $"only through phase {afterPhase}",
            Reason = $"{trigger.Name}: STOPPED, lifted after phase {afterPhase} as the plan says",
        };

    private static string? FirstMetric(TriggerCondition condition, RolloutPlan plan) => condition switch
    {
        MetricTriggerCondition m => m.Series.MetricKey,
        CombinedTriggerCondition c => c.Parts.Select(p => FirstMetric(p, plan)).FirstOrDefault(k => k is not null),
        ConsecutiveEventsCondition r => r.EventsMetric,
        EventsInWindowCondition e => e.CountMetric,
        SloBreachCondition s => SloMetric(plan.FindSlo(s.SloKey)!),
        BudgetBurnCondition b => SloMetric(plan.FindSlo(b.SloKey)!),
        PaymentCapCondition cap => CapMetric(cap, plan),
        _ => null,
    };

    private static string SloMetric(SloDefinition slo) => slo.GoodMetric ?? slo.Series!.MetricKey;

    private static string CapMetric(PaymentCapCondition cap, RolloutPlan plan) => cap.Kind switch
    {
        PaymentCapKind.Transactions => plan.PaymentCaps!.TransactionsMetric!,
        PaymentCapKind.PerTransaction => plan.PaymentCaps!.LargestTransactionMetric!,
        _ => plan.PaymentCaps!.DollarsMetric!,
    };

    private static string SloWatches(SloDefinition slo, RolloutPlan plan) => slo.GoodMetric is { } good
        ? $"{plan.FindMetric(good)!.Name} of {plan.FindMetric(slo.TotalMetric!)!.Name}"
        : $"{plan.FindMetric(slo.Series!.MetricKey)!.Name} {slo.GoodWhen!.Text}";

    private static string Watches(TriggerCondition condition, RolloutPlan plan) => condition switch
    {
        MetricTriggerCondition m => SeriesReader.Describe(m.Series, plan.FindMetric(m.Series.MetricKey)!),
        CombinedTriggerCondition c => string.Join(c.RequiresAll ? " with " : " or ", c.Parts.Select(p => Watches(p, plan))),
        ConsecutiveEventsCondition r => $"{plan.FindMetric(r.EventsMetric)!.Name} runs (reset by {plan.FindMetric(r.OthersMetric)!.Name})",
        EventsInWindowCondition e => $"{plan.FindMetric(e.CountMetric)!.Name} per {DurationText.Format(e.Window)}",
        SloBreachCondition s => $"SLO {plan.FindSlo(s.SloKey)!.Name} ({SloWatches(plan.FindSlo(s.SloKey)!, plan)})",
        BudgetBurnCondition b => $"error budget of SLO {plan.FindSlo(b.SloKey)!.Name} ({SloWatches(plan.FindSlo(b.SloKey)!, plan)})",
        PaymentCapCondition cap => $"{plan.FindMetric(CapMetric(cap, plan))!.Name} on the canary since the rollout began",
        _ => condition.Text,
    };
}
