using ShipRoom.Core.Conditions;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>
/// The words of a verdict, built only from its fields (metric, series, values, limit, minutes), so the board, the
/// header, the posts, the scorecard and `shiproom evaluate` say the same thing.
/// </summary>
public static class VerdictText
{
    public static string Time(DateTimeOffset? at) => at is { } t ? $"{t.UtcDateTime:HH:mm} UTC" : "—";

    public static string Gate(GateVerdict gate, MetricDefinition metric, Condition pass)
    {
        var limit = Limit(pass);
        var series = metric.Describe(gate.Journey);
        var at = gate.LatestMinute is { } minute ? $" at {Time(minute)}" : "";
        var now = gate.Status switch
        {
            GateStatus.NoData => $"{series}: no usable value{at} ({gate.Problem ?? "no sample"}): NO DATA",
            GateStatus.Red => $"{series} {Values(gate.Canary, gate.Control, gate.ComparesWithControl, metric.Unit, limit)}{at} fails {gate.Limit}: RED",
            GateStatus.Yellow => $"{series} {Values(gate.Canary, gate.Control, gate.ComparesWithControl, metric.Unit, limit)}{at} meets {gate.Limit}, inside its warning margin: YELLOW (passes)",
            _ => $"{series} {Values(gate.Canary, gate.Control, gate.ComparesWithControl, metric.Unit, limit)}{at} meets {gate.Limit}: GREEN",
        };
        return $"{now}; {Window(gate)}";
    }

    /// <summary>"window: 28 of 30 minutes passed (26 GREEN, 2 YELLOW), 2 RED".</summary>
    public static string Window(GateVerdict gate)
    {
        var observed = gate.MinutesGreen + gate.MinutesYellow + gate.MinutesRed + gate.MinutesNoData;
        if (observed == 0)
        {
            return $"window: 0 of {gate.WindowMinutes} minutes observed";
        }

        var passed = gate.MinutesYellow > 0 ? $" ({gate.MinutesGreen} GREEN, {gate.MinutesYellow} YELLOW)" : "";
        var failed = string.Join("", new[] { (gate.MinutesRed, "RED"), (gate.MinutesNoData, "NO DATA") }.Where(p => p.Item1 > 0).Select(p => $", {p.Item1} {p.Item2}"));
        return $"window: {gate.MinutesPassed} of {gate.WindowMinutes} minutes passed{passed}{failed}" + (observed < gate.WindowMinutes ? $" ({observed} observed so far)" : "");
    }

    /// <summary>Why a gate stops the phase from advancing: its first failing minute in the window, with the values.</summary>
    public static string GateBlocking(GateVerdict gate, MetricDefinition metric, Condition pass, GateMinute firstBad) =>
        $"gate {gate.Name} was {firstBad.Status.ToText()} at {Time(firstBad.Minute)} (" +
        (firstBad.Status == GateStatus.NoData
            ? $"{metric.Describe(firstBad.Journey)}: {firstBad.Problem ?? "no sample"})"
            : $"{metric.Describe(firstBad.Journey)} {Values(firstBad.Canary, firstBad.Control, gate.ComparesWithControl, metric.Unit, Limit(pass))}, limit {gate.Limit})");

    public static string Trigger(TriggerVerdict trigger)
    {
        var probe = trigger.MetricKey is null && trigger.Counts is null;
        var unit = trigger.Counts ?? (probe ? "failed runs" : "bad minutes");
        return trigger.State switch
        {
            TriggerState.Fired when trigger.Counts is not null => $"{trigger.Name}: FIRED at {Time(trigger.FiredAt)} after {trigger.ConsecutiveBad} {unit}"
                                  + (trigger.Detail is null ? "" : $" ({trigger.Detail})") + $"; fires on {trigger.Condition}",
            TriggerState.Fired => $"{trigger.Name}: FIRED at {Time(trigger.FiredAt)} after {trigger.Required} consecutive {unit} from {Time(trigger.FirstBadMinute)}"
                                  + (trigger.Detail is null ? "" : $" ({trigger.Detail})") + $"; fires on {trigger.Condition}",
            TriggerState.Arming when trigger.Counts is not null => $"{trigger.Name}: ARMING, {trigger.ConsecutiveBad} {unit} (fires above {trigger.Required - 1})"
                                   + (trigger.Detail is null ? "" : $" ({trigger.Detail})"),
            TriggerState.Arming => $"{trigger.Name}: ARMING, {trigger.ConsecutiveBad} of {trigger.Required} consecutive {unit} since {Time(trigger.FirstBadMinute)}"
                                   + (trigger.Detail is null ? "" : $" ({trigger.Detail})") + (probe || trigger.Counts is not null ? "" : $"; fires after {trigger.Remaining.TotalMinutes:0} more"),
            TriggerState.NoData => $"{trigger.Name}: NO DATA at the latest minute for {trigger.Watches}; no streak counted or reset",
            TriggerState.Stopped => $"{trigger.Name}: STOPPED, the rollout has ended (it did not fire)",
            _ => $"{trigger.Name}: IDLE, {trigger.Watches} not {trigger.Condition} at the latest {(probe ? "run" : "minute")}",
        };
    }

    /// <summary>The number a value must be told apart from: an absolute condition's threshold.</summary>
    public static decimal? Limit(Condition condition) => condition is AbsoluteCondition absolute ? absolute.Threshold : null;

    /// <summary>"119 ms" for an absolute condition; "$0.044 vs control $0.042 (+4.8%)" where the control is part of it.</summary>
    public static string Values(double? canary, double? control, bool comparesWithControl, string unit, decimal? limit = null)
    {
        var canaryText = NumberText.WithUnit(canary, unit, limit);
        if (!comparesWithControl)
        {
            return canaryText;
        }

        var delta = canary is { } c && control is { } k && k != 0 ? $" ({NumberText.SignedPercent((c - k) / Math.Abs(k) * 100)})" : "";
        return $"{canaryText} vs control {NumberText.WithUnit(control, unit)}{delta}";
    }
}
