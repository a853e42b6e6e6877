using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// Judges a trigger once per complete minute, in time order. A bad minute extends the streak, a good one resets it,
/// a NO DATA minute does neither. With <c>for: 5m</c> it fires on the fifth bad minute; with <c>checks: N</c> as well,
/// the streak must have been long enough at N consecutive checks (so <c>for: 10m, checks: 2</c> fires on the eleventh).
/// </summary>
public static class TriggerEvaluator
{
    public static TriggerVerdict Evaluate(TriggerDefinition trigger, RolloutPlan plan, SeriesIndex series, IReadOnlyList<ProbeRun> probeRuns, DateTimeOffset from, DateTimeOffset now, TimeSpan sigmaHistory)
    {
        if (trigger.ProbeFailures is { } failuresNeeded)
        {
            return EvaluateProbes(trigger, failuresNeeded, probeRuns, from, now);
        }

        var metric = plan.FindMetric(trigger.Series!.MetricKey)!;
        var streakNeeded = trigger.For is { } duration ? Math.Max(1, Minutes.WholeMinutes(duration)) : Math.Max(1, trigger.Checks ?? 1);
        var checksNeeded = trigger.For is not null && trigger.Checks is { } checks ? Math.Max(1, checks) : 1;
        var required = streakNeeded + checksNeeded - 1;

        var bad = 0;
        var satisfyingChecks = 0;
        DateTimeOffset? firstBad = null;
        DateTimeOffset? firedAt = null;
        var lastTruth = Truth.NoData;
        string? detail = null;
        foreach (var minute in Minutes.Complete(from, now))
        {
            var truth = MinuteTruth(trigger, metric, series, minute, sigmaHistory, out var minuteDetail);
            lastTruth = truth;
            if (truth == Truth.NoData)
            {
                continue;
            }

            if (truth == Truth.True)
            {
                bad++;
                firstBad ??= minute;
                detail = minuteDetail;
                if (bad >= streakNeeded && ++satisfyingChecks >= checksNeeded && firedAt is null)
                {
                    firedAt = minute;
                }
            }
            else
            {
                bad = 0;
                satisfyingChecks = 0;
                firstBad = null;
            }
        }

        var state = firedAt is not null ? TriggerState.Fired
            : lastTruth == Truth.NoData ? TriggerState.NoData
            : bad > 0 ? TriggerState.Arming
            : TriggerState.Idle;
        return new TriggerVerdict(trigger.Key, trigger.Name, trigger.Action, state, TimeSpan.FromMinutes(bad), TimeSpan.FromMinutes(Math.Max(0, required - bad)),
            bad, required, firstBad, firedAt, trigger.Fires!.Text, detail);
    }

    private static Truth MinuteTruth(TriggerDefinition trigger, MetricDefinition metric, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory, out string? detail)
    {
        var sawNoData = false;
        detail = null;
        foreach (var (journey, result, canary, control) in SeriesReader.Evaluate(series, trigger.Series!, metric, trigger.Fires!, minute, sigmaHistory))
        {
            if (result.Truth == Truth.True)
            {
                detail = $"{metric.Name}{(journey is null ? "" : $" ({journey})")} canary {Format(canary)}{metric.Unit}" + (control is null ? "" : $" vs control {Format(control)}{metric.Unit}");
                return Truth.True;
            }

            sawNoData |= result.Truth == Truth.NoData;
        }

        // Any journey without data leaves the minute undecided: a missing series is not a good one.
        return sawNoData ? Truth.NoData : Truth.False;
    }

    private static TriggerVerdict EvaluateProbes(TriggerDefinition trigger, int failuresNeeded, IReadOnlyList<ProbeRun> runs, DateTimeOffset from, DateTimeOffset now)
    {
        DateTimeOffset? firedAt = null;
        DateTimeOffset? firstFailure = null;
        var worstStreak = 0;
        string? detail = null;
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
                if (streak >= failuresNeeded && (firedAt is null || run.RanAt < firedAt))
                {
                    firedAt = run.RanAt;
                    detail = $"probe {probe.Key}: {failuresNeeded} consecutive failures ({run.Reason ?? "failed"})";
                }
            }

            if (streak > worstStreak)
            {
                worstStreak = streak;
                firstFailure = streakStart;
                detail ??= $"probe {probe.Key}: {streak} consecutive failure(s)";
            }
        }

        var state = firedAt is not null ? TriggerState.Fired : worstStreak > 0 ? TriggerState.Arming : TriggerState.Idle;
        return new TriggerVerdict(trigger.Key, trigger.Name, trigger.Action, state, TimeSpan.Zero, TimeSpan.Zero, worstStreak, failuresNeeded, firstFailure, firedAt,
            $"{failuresNeeded} consecutive probe failures", detail);
    }

    private static string Format(double? value) => NumberText.Plain(value);
}
