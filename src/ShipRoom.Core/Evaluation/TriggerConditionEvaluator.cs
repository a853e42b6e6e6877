using System.Globalization;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>What a combined or counted condition reads besides the series: the minutes it may count from.</summary>
public sealed record TriggerContext(
    RolloutPlan Plan,
    SeriesIndex Series,
    TimeSpan SigmaHistory,
    DateTimeOffset CountFrom,
    DateTimeOffset RolloutStart,
    IReadOnlyList<ExternalSignal> Signals)
{
    private readonly Dictionary<string, (DateTimeOffset To, decimal Sum)> _canarySums = new(StringComparer.Ordinal);

    /// <summary>The rollout's memo: metric parts of a combined condition are taken from it as gates are.</summary>
    public MinuteMemo? Memo { get; init; }

    /// <summary>
    /// The sum of the canary's finite values of [<see cref="RolloutStart"/>, <paramref name="to"/>), in time order.
    /// Minutes are judged in time order, so each call adds only the values since the previous one: the same additions
    /// in the same order as summing the whole range again (decimal addition, so the result is identical).
    /// </summary>
    public decimal CanarySumSinceStart(string metric, DateTimeOffset to)
    {
        var (from, sum) = _canarySums.TryGetValue(metric, out var kept) && kept.To <= to && kept.To >= RolloutStart ? kept : (RolloutStart, 0m);
        sum = Series.AddFinite(metric, Cohort.Canary, null, from, to, sum);
        _canarySums[metric] = (to, sum);
        return sum;
    }
}

/// <summary>One condition on one minute, and in words every part that held (for the reason).</summary>
public sealed record ConditionMinute(Truth Truth, IReadOnlyList<string> Held)
{
    public static readonly ConditionMinute NoData = new(Truth.NoData, []);
    public static readonly ConditionMinute False = new(Truth.False, []);
}

/// <summary>
/// Judges a <see cref="TriggerCondition"/> on one complete minute. <c>all:</c> holds when every part holds, is false
/// when one part is false, and NO DATA otherwise; <c>any:</c> holds when one part holds, is NO DATA when a part has
/// no data and none holds. Counts read the canary cohort's overall series.
/// </summary>
public static class TriggerConditionEvaluator
{
    public static ConditionMinute Evaluate(TriggerCondition condition, TriggerContext context, DateTimeOffset minute) => condition switch
    {
        MetricTriggerCondition metric => MetricMinute(metric, context, minute),
        CombinedTriggerCondition combined => Combined(combined, context, minute),
        ConsecutiveEventsCondition run => ConsecutiveMinute(run, context, minute),
        EventsInWindowCondition count => CountMinute(count, context, minute),
        SloBreachCondition breach => BreachMinute(breach, context, minute),
        BudgetBurnCondition burn => BurnMinute(burn, context, minute),
        SignalCondition signal => SignalMinute(signal, context, minute),
        PaymentCapCondition cap => CapMinute(cap, context, minute),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "unknown trigger condition"),
    };

    private static ConditionMinute Combined(CombinedTriggerCondition combined, TriggerContext context, DateTimeOffset minute)
    {
        // Made only when a part holds: most minutes of a long phase hold nothing, and this runs for each of them.
        List<string>? held = null;
        var sawFalse = false;
        var sawNoData = false;
        foreach (var part in combined.Parts)
        {
            var result = Evaluate(part, context, minute);
            switch (result.Truth)
            {
                case Truth.True:
                    (held ??= []).AddRange(result.Held);
                    break;
                case Truth.False:
                    sawFalse = true;
                    break;
                default:
                    sawNoData = true;
                    break;
            }
        }

        if (combined.RequiresAll)
        {
            return sawFalse ? ConditionMinute.False : sawNoData ? ConditionMinute.NoData : new ConditionMinute(Truth.True, held ?? []);
        }

        return held is { Count: > 0 } ? new ConditionMinute(Truth.True, held) : sawNoData ? ConditionMinute.NoData : ConditionMinute.False;
    }

    private static ConditionMinute MetricMinute(MetricTriggerCondition condition, TriggerContext context, DateTimeOffset minute)
    {
        var metric = context.Plan.FindMetric(condition.Series.MetricKey)!;
        if (context.Memo is not { } memo || !MinuteMemo.ReadsOneMinute(condition.Fires))
        {
            return JudgeMetricMinute(condition, metric, context, minute);
        }

        if (memo.TryGetUntouched(condition, metric, context.Series, minute, out ConditionMinute untouched))
        {
            return untouched;
        }

        var inputs = MinuteMemo.Inputs(context.Series, condition.Series, metric, minute);
        if (memo.TryGet(condition, metric, minute, inputs, out ConditionMinute kept))
        {
            return kept;
        }

        var judged = JudgeMetricMinute(condition, metric, context, minute);
        memo.Set(condition, metric, minute, inputs, judged);
        return judged;
    }

    private static ConditionMinute JudgeMetricMinute(MetricTriggerCondition condition, MetricDefinition metric, TriggerContext context, DateTimeOffset minute)
    {
        var sawNoData = false;
        var held = new List<string>();
        foreach (var (journey, result, canary, control) in SeriesReader.Evaluate(context.Series, condition.Series, metric, condition.Fires, minute, context.SigmaHistory))
        {
            if (result.Truth == Truth.True)
            {
                held.Add($"{metric.Describe(journey)} {VerdictText.Values(canary, control, condition.Fires is RelativeCondition, metric.Unit, VerdictText.Limit(condition.Fires))} ({condition.Fires.Text})");
            }

            sawNoData |= result.Truth == Truth.NoData;
        }

        return held.Count > 0 ? new ConditionMinute(Truth.True, held) : sawNoData ? ConditionMinute.NoData : ConditionMinute.False;
    }

    /// <summary>The run of failures that must have happened by the end of this minute (see <see cref="ConsecutiveEventsCondition"/>).</summary>
    public static long? CertainRun(ConsecutiveEventsCondition run, TriggerContext context, DateTimeOffset minute)
    {
        if (Count(run.EventsMetric, context, minute) is not { } failures || Count(run.OthersMetric, context, minute) is not { } others)
        {
            return null;
        }

        if (others > 0)
        {
            // Order inside the minute is unknown: f failures among s others hold at least ⌈f / (s + 1)⌉ in a row.
            return (failures + others) / (others + 1);
        }

        // No other outcome this minute: the failures extend the run carried from the minutes before without one.
        var carried = 0L;
        for (var before = minute.AddMinutes(-1); before >= Minutes.Ceiling(context.CountFrom); before = before.AddMinutes(-1))
        {
            if (Count(run.EventsMetric, context, before) is not { } f || Count(run.OthersMetric, context, before) is not { } s || s > 0)
            {
                break;
            }

            carried += f;
        }

        return carried + failures;
    }

    private static ConditionMinute ConsecutiveMinute(ConsecutiveEventsCondition run, TriggerContext context, DateTimeOffset minute)
    {
        if (CertainRun(run, context, minute) is not { } length)
        {
            return ConditionMinute.NoData;
        }

        var name = context.Plan.FindMetric(run.EventsMetric)!.Name.ToLowerInvariant();
        return length > run.MoreThan ? new ConditionMinute(Truth.True, [$"{length} consecutive {name} (more than {run.MoreThan})"]) : ConditionMinute.False;
    }

    private static ConditionMinute CountMinute(EventsInWindowCondition count, TriggerContext context, DateTimeOffset minute)
    {
        long sum = 0;
        var missing = false;
        var span = Math.Max(1, Minutes.WholeMinutes(count.Window));
        // Minutes before the count starts (the rollout's start, or a resume) are not the canary's: they are not gaps.
        var first = Minutes.Ceiling(context.CountFrom);
        for (var i = 0; i < span && minute.AddMinutes(-i) >= first; i++)
        {
            if (Count(count.CountMetric, context, minute.AddMinutes(-i)) is { } events)
            {
                sum += events;
            }
            else
            {
                missing = true;
            }
        }

        var name = context.Plan.FindMetric(count.CountMetric)!.Name.ToLowerInvariant();
        if (sum > count.MoreThan)
        {
            return new ConditionMinute(Truth.True, [$"{sum} {name} in the {span} minutes to {VerdictText.Time(minute.AddMinutes(1))} (more than {count.MoreThan})"]);
        }

        // A gap could hide the events that would make it fire: not a calm window.
        return missing ? ConditionMinute.NoData : ConditionMinute.False;
    }

    private static ConditionMinute BreachMinute(SloBreachCondition breach, TriggerContext context, DateTimeOffset minute)
    {
        var slo = context.Plan.FindSlo(breach.SloKey)!;
        return ErrorBudget.Breached(slo, context.Series, minute, context.SigmaHistory, out var good) switch
        {
            Truth.True => new ConditionMinute(Truth.True, [$"{slo.Name} {Percent(good!.Value)}% good, below its {Percent(slo.ObjectivePercent)}% objective"]),
            Truth.False => ConditionMinute.False,
            _ => ConditionMinute.NoData,
        };
    }

    private static ConditionMinute BurnMinute(BudgetBurnCondition burn, TriggerContext context, DateTimeOffset minute)
    {
        var slo = context.Plan.FindSlo(burn.SloKey)!;
        var end = minute.AddMinutes(1);
        var from = burn.SinceRolloutStart ? context.RolloutStart : end - burn.Window!.Value;
        if (ErrorBudget.Over(slo, context.Series, from, end, context.SigmaHistory) is not { } spend)
        {
            return ConditionMinute.NoData;
        }

        if (spend.SharePercent <= burn.SharePercent)
        {
            return ConditionMinute.False;
        }

        var over = burn.SinceRolloutStart ? "during the rollout" : $"in the last {DurationText.Format(burn.Window!.Value)}";
        var held = $"{slo.Name}: {Percent(spend.SharePercent)}% of the {ErrorBudget.WindowText(slo.Window)} error budget spent {over} (burn rate {Percent(spend.BurnRate)}×; limit {Percent(burn.SharePercent)}%)";
        if (burn.Confirm is { } confirm && burn.Window is { } window)
        {
            // The SRE workbook's short window: it must burn at the long window's threshold rate too, so a spike that
            // has already ended does not page, and a real burn resets within minutes of stopping.
            var threshold = burn.SharePercent / 100m * (decimal)slo.Window.TotalMinutes / (decimal)window.TotalMinutes;
            if (ErrorBudget.Over(slo, context.Series, end - confirm, end, context.SigmaHistory) is not { } recent)
            {
                return ConditionMinute.NoData;
            }

            if (recent.BurnRate <= threshold)
            {
                return ConditionMinute.False;
            }

            held += $", confirmed by the last {DurationText.Format(confirm)} (burn rate {Percent(recent.BurnRate)}× > {Percent(threshold)}×)";
        }

        return new ConditionMinute(Truth.True, [held]);
    }

    private static ConditionMinute SignalMinute(SignalCondition signal, TriggerContext context, DateTimeOffset minute)
    {
        var raised = RaisedBy(signal, context, minute.AddMinutes(1));
        return raised.Count == 0 ? ConditionMinute.False : new ConditionMinute(Truth.True, raised.Select(Describe).ToList());
    }

    /// <summary>The signals of the condition's kinds raised from the count start up to (not including) <paramref name="before"/>.</summary>
    public static IReadOnlyList<ExternalSignal> RaisedBy(SignalCondition signal, TriggerContext context, DateTimeOffset before) =>
        context.Signals.Where(s => signal.Kinds.Contains(s.Kind, StringComparer.Ordinal) && s.RaisedAt >= context.CountFrom && s.RaisedAt < before).OrderBy(s => s.RaisedAt).ToList();

    public static string Describe(ExternalSignal signal) => $"{signal.Kind} raised by {signal.RaisedBy} via {signal.Source} at {VerdictText.Time(signal.RaisedAt)}: {signal.Summary}";

    private static ConditionMinute CapMinute(PaymentCapCondition cap, TriggerContext context, DateTimeOffset minute)
    {
        var caps = context.Plan.PaymentCaps!;
        var money = caps.Currency == "USD" ? "$" : caps.Currency + " ";
        switch (cap.Kind)
        {
            case PaymentCapKind.PerTransaction:
                {
                    var largest = context.Series.ValueAt(caps.LargestTransactionMetric!, Cohort.Canary, null, minute);
                    if (largest is not { } value || !ExactNumber.TryToDecimal(value, out var exact))
                    {
                        return ConditionMinute.NoData;
                    }

                    return exact > caps.MaxPerTransaction
                        ? new ConditionMinute(Truth.True, [$"a transaction of {money}{Percent(exact)} (cap {money}{Percent(caps.MaxPerTransaction)} each)"])
                        : ConditionMinute.False;
                }

            default:
                {
                    var transactions = cap.Kind == PaymentCapKind.Transactions;
                    var metric = transactions ? caps.TransactionsMetric! : caps.DollarsMetric!;
                    var limit = transactions ? caps.MaxTransactions : caps.MaxTotal;
                    // Since the rollout began: a gap makes the sum a lower bound, which still proves a breach.
                    var sum = ExactNumber.Tidy(context.CanarySumSinceStart(metric, minute.AddMinutes(1)));
                    if (sum > limit)
                    {
                        return new ConditionMinute(Truth.True, [transactions
                            ? $"{Percent(sum)} live transactions since the rollout began (cap {limit})"
                            : $"{money}{Percent(sum)} spent since the rollout began (cap {money}{Percent(limit)})"]);
                    }

                    return context.Series.ValueAt(metric, Cohort.Canary, null, minute) is null ? ConditionMinute.NoData : ConditionMinute.False;
                }
        }
    }

    /// <summary>A per-minute count on the canary's overall series, rounded (a counter's increase reads 2.9999 for 3).</summary>
    private static long? Count(string metric, TriggerContext context, DateTimeOffset minute) =>
        context.Series.ValueAt(metric, Cohort.Canary, null, minute) is { } value && value >= 0 && value < 1e15 ? (long)Math.Round(value) : null;

    private static string Percent(decimal value) => Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);
}
