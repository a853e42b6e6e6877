using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// Judges a trigger once per complete minute, in time order. A bad minute extends the streak, a good one resets it,
/// a NO DATA minute does neither. It fires on the Nth consecutive bad minute of <c>for: Nm</c> (every minute is a
/// check, so "10 minutes across two consecutive checks" fires on the tenth too); <c>checks: N</c> alone fires on the
/// Nth consecutive bad check. Once fired it stays fired with the streak that fired it.
/// </summary>
public static class TriggerEvaluator
{
    public static int RequiredMinutes(TriggerDefinition trigger) =>
        trigger.For is { } duration ? Math.Max(1, Minutes.WholeMinutes(duration)) : Math.Max(1, trigger.Checks ?? 1);

    public static TriggerVerdict Evaluate(TriggerDefinition trigger, RolloutPlan plan, SeriesIndex series, IReadOnlyList<ProbeRun> probeRuns, DateTimeOffset from, DateTimeOffset now, TimeSpan sigmaHistory,
        MinuteMemo? memo = null)
    {
        if (trigger.ProbeFailures is { } failuresNeeded)
        {
            return EvaluateProbes(trigger, failuresNeeded, probeRuns, from);
        }

        var metric = plan.FindMetric(trigger.Series!.MetricKey)!;
        var required = RequiredMinutes(trigger);

        var bad = 0;
        DateTimeOffset? firstBad = null;
        DateTimeOffset? firedAt = null;
        var lastTruth = Truth.NoData;
        BadMinute? lastBadMinute = null;
        foreach (var minute in Minutes.Complete(from, now))
        {
            var (truth, badMinute) = MemoisedMinuteTruth(trigger, metric, series, minute, sigmaHistory, memo);
            lastTruth = truth;
            if (truth == Truth.NoData)
            {
                continue;
            }

            if (truth == Truth.True)
            {
                bad++;
                firstBad ??= minute;
                lastBadMinute = badMinute;
                if (bad >= required)
                {
                    firedAt = minute;
                    break;
                }
            }
            else
            {
                bad = 0;
                firstBad = null;
            }
        }

        var state = firedAt is not null ? TriggerState.Fired
            : lastTruth == Truth.NoData ? TriggerState.NoData
            : bad > 0 ? TriggerState.Arming
            : TriggerState.Idle;
        var detail = lastBadMinute is { } b && bad > 0
            ? $"{metric.Describe(b.Journey)} canary {NumberText.WithUnit(b.Canary, metric.Unit, VerdictText.Limit(trigger.Fires!))}" + (b.Control is null ? "" : $" vs control {NumberText.WithUnit(b.Control, metric.Unit)}")
            : null;
        var verdict = new TriggerVerdict(trigger.Key, trigger.Name, trigger.Action, state, TimeSpan.FromMinutes(bad), TimeSpan.FromMinutes(Math.Max(0, required - bad)),
            bad, required, firstBad, firedAt, trigger.Fires!.Text, detail)
        {
            MetricKey = metric.Key,
            MetricName = metric.Name,
            Unit = metric.Unit,
            Watches = SeriesReader.Describe(trigger.Series!, metric),
            Journey = bad > 0 ? lastBadMinute?.Journey : null,
            Canary = bad > 0 ? lastBadMinute?.Canary : null,
            Control = bad > 0 ? lastBadMinute?.Control : null,
            LastBadMinute = bad > 0 ? lastBadMinute?.Minute : null,
        };
        return verdict with { Reason = VerdictText.Trigger(verdict) };
    }

    /// <summary>After the rollout ended a trigger no longer watches: one that fired stays fired, the others stop.</summary>
    public static TriggerVerdict Stop(TriggerVerdict trigger)
    {
        if (trigger.State == TriggerState.Fired)
        {
            return trigger;
        }

        var stopped = trigger with { State = TriggerState.Stopped, Remaining = TimeSpan.Zero };
        return stopped with { Reason = VerdictText.Trigger(stopped) };
    }

    private sealed record BadMinute(DateTimeOffset Minute, string? Journey, double? Canary, double? Control);

    private sealed record MinuteAnswer(Truth Truth, BadMinute? Bad);

    private static (Truth Truth, BadMinute? Bad) MemoisedMinuteTruth(TriggerDefinition trigger, MetricDefinition metric, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory, MinuteMemo? memo)
    {
        if (memo is null || !MinuteMemo.ReadsOneMinute(trigger.Fires!))
        {
            return MinuteTruth(trigger, metric, series, minute, sigmaHistory);
        }

        if (memo.TryGetUntouched(trigger, metric, series, minute, out MinuteAnswer untouched))
        {
            return (untouched.Truth, untouched.Bad);
        }

        var inputs = MinuteMemo.Inputs(series, trigger.Series!, metric, minute);
        if (memo.TryGet(trigger, metric, minute, inputs, out MinuteAnswer kept))
        {
            return (kept.Truth, kept.Bad);
        }

        var (truth, bad) = MinuteTruth(trigger, metric, series, minute, sigmaHistory);
        memo.Set(trigger, metric, minute, inputs, new MinuteAnswer(truth, bad));
        return (truth, bad);
    }

    private static (Truth Truth, BadMinute? Bad) MinuteTruth(TriggerDefinition trigger, MetricDefinition metric, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory)
    {
        var sawNoData = false;
        foreach (var (journey, result, canary, control) in SeriesReader.Evaluate(series, trigger.Series!, metric, trigger.Fires!, minute, sigmaHistory))
        {
            if (result.Truth == Truth.True)
            {
                return (Truth.True, new BadMinute(minute, journey, canary, trigger.Fires is RelativeCondition ? control : null));
            }

            sawNoData |= result.Truth == Truth.NoData;
        }

        // Any journey without data leaves the minute undecided: a missing series is not a good one.
        return (sawNoData ? Truth.NoData : Truth.False, null);
    }

    private static TriggerVerdict EvaluateProbes(TriggerDefinition trigger, int failuresNeeded, IReadOnlyList<ProbeRun> runs, DateTimeOffset from)
    {
        DateTimeOffset? firedAt = null;
        DateTimeOffset? firstFailure = null;
        var worstStreak = 0;
        string? detail = null;
        string? worstProbe = null;
        // Probe runs are judged as they come, also those newer than the last complete metric minute.
        foreach (var probe in runs.Where(r => r.RanAt >= from).GroupBy(r => r.ProbeName))
        {
            var streak = 0;
            DateTimeOffset? streakStart = null;
            foreach (var run in probe.OrderBy(r => r.RanAt))
            {
                if (run.Passed)
                {
                    streak = 0;
                    streakStart = null;
                    continue;
                }

                streak++;
                streakStart ??= run.RanAt;
                if (streak == failuresNeeded && (firedAt is null || run.RanAt < firedAt))
                {
                    firedAt = run.RanAt;
                    firstFailure = streakStart;
                    worstStreak = failuresNeeded;
                    worstProbe = probe.Key;
                    detail = $"probe {probe.Key}: {failuresNeeded} consecutive failures ({run.Reason ?? "failed"})";
                }
            }

            if (firedAt is null && streak > worstStreak)
            {
                worstStreak = streak;
                firstFailure = streakStart;
                worstProbe = probe.Key;
                detail = $"probe {probe.Key}: {streak} consecutive failure(s)";
            }
        }

        var state = firedAt is not null ? TriggerState.Fired : worstStreak > 0 ? TriggerState.Arming : TriggerState.Idle;
        var verdict = new TriggerVerdict(trigger.Key, trigger.Name, trigger.Action, state, TimeSpan.Zero, TimeSpan.Zero, worstStreak, failuresNeeded, firstFailure, firedAt,
            $"{failuresNeeded} consecutive probe failures", detail)
        {
            Watches = worstProbe is null ? "synthetic probes against the canary" : $"synthetic probes against the canary (worst: {worstProbe})",
        };
        return verdict with { Reason = VerdictText.Trigger(verdict) };
    }
}
