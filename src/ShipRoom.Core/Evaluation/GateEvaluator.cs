using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>Judges a gate minute by minute over the phase so far.</summary>
public static class GateEvaluator
{
    /// <param name="memo">Answers kept from the previous evaluation of the same rollout: a minute whose values did not
    /// change is taken from it rather than judged again (the answer is the same by construction).</param>
    public static GateMinute EvaluateMinute(GateDefinition gate, MetricDefinition metric, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory, MinuteMemo? memo = null)
    {
        if (memo is null || !MinuteMemo.ReadsOneMinute(gate.Pass))
        {
            return JudgeMinute(gate, metric, series, minute, sigmaHistory);
        }

        if (memo.TryGetUntouched(gate, metric, series, minute, out GateMinute untouched))
        {
            return untouched;
        }

        var inputs = MinuteMemo.Inputs(series, gate.Series, metric, minute);
        if (memo.TryGet(gate, metric, minute, inputs, out GateMinute kept))
        {
            return kept;
        }

        var judged = JudgeMinute(gate, metric, series, minute, sigmaHistory);
        memo.Set(gate, metric, minute, inputs, judged);
        return judged;
    }

    /// <summary>
    /// The gate's minutes from the phase's first whole minute, and where the latest run of one status began. With a
    /// memo whose index was extended, the leading minutes of the previous history that no new sample touched are taken
    /// as they are (their answers cannot have changed), and the run is carried when it reaches back into them.
    /// </summary>
    private static (List<GateMinute> History, DateTimeOffset? Since) History(GateDefinition gate, MetricDefinition metric, SeriesIndex series, DateTimeOffset phaseStart, DateTimeOffset now,
        TimeSpan sigmaHistory, MinuteMemo? memo)
    {
        var first = Minutes.Ceiling(phaseStart);
        var count = Minutes.CompleteCount(phaseStart, now);
        var remembered = memo is not null && MinuteMemo.ReadsOneMinute(gate.Pass);
        var (taken, trail) = remembered ? memo!.TrailOf(gate, metric, series, first, count) : (0, null);
        var history = new List<GateMinute>(count);
        for (var i = 0; i < taken; i++)
        {
            history.Add(trail!.History[i]);
        }

        for (var i = taken; i < count; i++)
        {
            history.Add(EvaluateMinute(gate, metric, series, first.AddMinutes(i), sigmaHistory, memo));
        }

        DateTimeOffset? since = null;
        if (count > 0)
        {
            var status = history[^1].Status;
            var at = count - 1;
            while (at >= taken && history[at].Status == status)
            {
                at--;
            }

            if (at < taken && taken > 0 && taken == trail!.History.Count && trail.History[^1].Status == status && trail.Since is { } carried)
            {
                since = carried;
            }
            else
            {
                while (at >= 0 && history[at].Status == status)
                {
                    at--;
                }

                since = history[at + 1].Minute;
            }
        }

        if (remembered)
        {
            memo!.KeepTrail(gate, metric, first, history, since, tookKept: taken > 0);
        }

        return (history, since);
    }

    private static GateMinute JudgeMinute(GateDefinition gate, MetricDefinition metric, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory)
    {
        GateMinute? worst = null;
        foreach (var (journey, result, canary, control) in SeriesReader.Evaluate(series, gate.Series, metric, gate.Pass, minute, sigmaHistory))
        {
            var status = result.Truth switch
            {
                Truth.NoData => GateStatus.NoData,
                Truth.False => GateStatus.Red,
                _ when gate.Yellow is { } band && result.Measured is { } measured && ConditionEvaluator.IsNearLimit(gate.Pass, measured, band, metric.Better) => GateStatus.Yellow,
                _ => GateStatus.Green,
            };
            var candidate = new GateMinute(minute, status, canary, control, journey, result.Problem);
            if (worst is null || status > worst.Status)
            {
                worst = candidate;
            }
        }

        return worst ?? new GateMinute(minute, GateStatus.NoData, null, null, null, "no series");
    }

    /// <summary>
    /// The gate over the complete minutes from <paramref name="phaseStart"/> to <paramref name="now"/>; the window is the
    /// trailing <paramref name="window"/> of them, which must all pass (GREEN or YELLOW) to advance. Before the phase's
    /// first minute is complete, the status is that of the last complete minute before it, judged by this gate, so a
    /// phase change never shows NO DATA for a canary that has data.
    /// </summary>
    public static GateVerdict Evaluate(GateDefinition gate, MetricDefinition metric, SeriesIndex series, DateTimeOffset phaseStart, DateTimeOffset now, TimeSpan window, TimeSpan sigmaHistory,
        MinuteMemo? memo = null)
    {
        var (history, since) = History(gate, metric, series, phaseStart, now, sigmaHistory, memo);
        var windowMinutes = Math.Max(1, Minutes.WholeMinutes(window));
        var inWindow = history.Skip(Math.Max(0, history.Count - windowMinutes)).ToList();
        var latest = history.LastOrDefault();
        if (latest is null && Minutes.Floor(now).AddMinutes(-1) is var previous && previous < phaseStart)
        {
            latest = EvaluateMinute(gate, metric, series, previous, sigmaHistory);
            since = previous;
        }

        var passed = inWindow.Count >= windowMinutes && inWindow.All(m => m.Status.Passes());
        var verdict = new GateVerdict(
            gate.Key,
            gate.Name,
            metric.Key,
            latest?.Journey,
            latest?.Status ?? GateStatus.NoData,
            since,
            latest?.Canary,
            latest?.Control,
            gate.Pass.Text,
            passed,
            windowMinutes,
            inWindow.Count(m => m.Status == GateStatus.Green),
            inWindow.Count(m => m.Status == GateStatus.Yellow),
            inWindow.Count(m => m.Status == GateStatus.Red),
            inWindow.Count(m => m.Status == GateStatus.NoData),
            latest is null ? "no complete minute yet" : latest.Problem,
            history)
        {
            MetricName = metric.Name,
            Unit = metric.Unit,
            LatestMinute = latest?.Minute,
            ComparesWithControl = gate.Pass is RelativeCondition,
        };
        return verdict with { Reason = VerdictText.Gate(verdict, metric, gate.Pass) };
    }
}
