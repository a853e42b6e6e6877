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
}

/// <summary>
/// One trigger after the latest minute: how long its condition has held (bad minutes, NO DATA minutes not counted),
/// how much longer it must hold to fire, and when it fired.
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
    string? Detail);
