using ShipRoom.Core.Conditions;

namespace ShipRoom.Core.Plans;

/// <summary>
/// What a trigger watches beyond one metric against one limit: conditions combined with <c>all:</c>/<c>any:</c>,
/// counted events, a declared SLO's breach or error-budget burn, an external signal, a payment cap.
/// <see cref="Text"/> is the plan's wording, used in reasons.
/// </summary>
public abstract record TriggerCondition(string Text);

/// <summary>One metric's series against a condition ("cache hit &lt; 85%"): the leaf of <c>all:</c>/<c>any:</c>.</summary>
public sealed record MetricTriggerCondition(string Text, SeriesSelector Series, Condition Fires) : TriggerCondition(Text);

/// <summary><c>all:</c> holds on a minute when every part holds; <c>any:</c> when one does.</summary>
public sealed record CombinedTriggerCondition(string Text, bool RequiresAll, IReadOnlyList<TriggerCondition> Parts) : TriggerCondition(Text);

/// <summary>
/// "&gt; 5 consecutive payment failures" from two per-minute counters: failures, and the other outcomes that end a run
/// of failures. A minute with no other outcome extends the run by its failures; in a minute with both, the order is not
/// known, so only the run that must have happened (f failures among s others: at least ⌈f / (s + 1)⌉ in a row) counts.
/// </summary>
public sealed record ConsecutiveEventsCondition(string Text, string EventsMetric, string OthersMetric, int MoreThan) : TriggerCondition(Text);

/// <summary>"More than 3 scale events in 10 minutes": the sum of a per-minute count over the trailing window.</summary>
public sealed record EventsInWindowCondition(string Text, string CountMetric, int MoreThan, TimeSpan Window) : TriggerCondition(Text);

/// <summary>A declared SLO's indicator below its objective on the minute ("any SLO breach persisting 15 minutes").</summary>
public sealed record SloBreachCondition(string Text, string SloKey) : TriggerCondition(Text);

/// <summary>
/// Error-budget burn as the Google SRE workbook's multi-window alert: the share of the SLO window's budget spent in
/// the trailing <see cref="Window"/> (or since the rollout began when <see cref="SinceRolloutStart"/>) is above
/// <see cref="SharePercent"/>, and, where <see cref="Confirm"/> is set, the short window burns at least as fast.
/// </summary>
public sealed record BudgetBurnCondition(string Text, string SloKey, decimal SharePercent, TimeSpan? Window, bool SinceRolloutStart, TimeSpan? Confirm) : TriggerCondition(Text);

/// <summary>An external signal of one of these kinds (p0, p1, pii-risk …) raised against the rollout.</summary>
public sealed record SignalCondition(string Text, IReadOnlyList<string> Kinds) : TriggerCondition(Text);

public enum PaymentCapKind
{
    Transactions,
    PerTransaction,
    Total,
}

/// <summary>A payment cap exceeded: the canary's transactions or dollars since the rollout began, or its largest single transaction.</summary>
public sealed record PaymentCapCondition(string Text, PaymentCapKind Kind) : TriggerCondition(Text);

/// <summary>
/// A service level objective: <see cref="ObjectivePercent"/> of events good over <see cref="Window"/>. The indicator is
/// either two per-minute counters (<see cref="GoodMetric"/> of <see cref="TotalMetric"/>, on the canary) or, for a
/// latency objective, time slices: a minute is good when <see cref="GoodWhen"/> holds on <see cref="Series"/>.
/// </summary>
public sealed record SloDefinition(
    string Key,
    string Name,
    decimal ObjectivePercent,
    TimeSpan Window,
    string? GoodMetric,
    string? TotalMetric,
    SeriesSelector? Series,
    Condition? GoodWhen)
{
    /// <summary>The error budget as a fraction of events: 0.001 for 99.9%.</summary>
    public decimal BudgetFraction => (100m - ObjectivePercent) / 100m;
}

/// <summary>Which external signal holds or rolls back (<c>signals:</c> in the plan).</summary>
public sealed record SignalRule(string Kind, TriggerAction Action, string? Name);
