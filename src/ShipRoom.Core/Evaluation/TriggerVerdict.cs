using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

public enum TriggerState
{
    /// <summary>The condition does not hold now.</summary>
    Idle,

    /// <summary>The condition holds but not yet for long enough.</summary>
    Arming,

    /// <summary>The condition held for its full duration: the action is due.</summary>
    Fired,

    /// <summary>The latest minutes had no data, so nothing can be said (and nothing was reset).</summary>
    NoData,

    /// <summary>The rollout has ended: the trigger no longer watches (it did not fire).</summary>
    Stopped,
}

public static class TriggerStateText
{
    public static string ToText(this TriggerState state) => state switch
    {
        TriggerState.Idle => "IDLE",
        TriggerState.Arming => "ARMING",
        TriggerState.Fired => "FIRED",
        TriggerState.NoData => "NO DATA",
        _ => "STOPPED",
    };
}

/// <summary>
/// One trigger after the latest minute: how long its condition has held (bad minutes; NO DATA minutes not counted),
/// how much longer it must hold to fire, and when it fired. Once fired, the streak is the one that fired it.
/// The init properties name what it watches and the values behind its state; <see cref="Reason"/> says it in words.
/// </summary>
public sealed record TriggerVerdict(
    string Key,
    string Name,
    TriggerAction Action,
    TriggerState State,
    TimeSpan HeldFor,
    TimeSpan Remaining,
    int ConsecutiveBad,
    int Required,
    DateTimeOffset? FirstBadMinute,
    DateTimeOffset? FiredAt,
    string Condition,
    string? Detail)
{
    /// <summary>The metric watched; null for a probe trigger.</summary>
    public string? MetricKey { get; init; }

    public string? MetricName { get; init; }

    public string Unit { get; init; } = "";

    /// <summary>The series of the latest bad minute: a journey, or null for the overall series (or no bad minute).</summary>
    public string? Journey { get; init; }

    /// <summary>What it watches in words: "P95 latency, overall and each journey (search, checkout)".</summary>
    public string Watches { get; init; } = "";

    /// <summary>The canary's (and, where the condition compares, the control's) value at the latest bad minute.</summary>
    public double? Canary { get; init; }

    public double? Control { get; init; }

    public DateTimeOffset? LastBadMinute { get; init; }

    /// <summary>What <see cref="ConsecutiveBad"/> counts when it is not minutes or probe runs: "signals", "min in breach".</summary>
    public string? Counts { get; init; }

    /// <summary>External signals that fired it: who raised each, from where (signal triggers only).</summary>
    public IReadOnlyList<ExternalSignal> Signals { get; init; } = [];

    public string Reason { get; init; } = "";
}
