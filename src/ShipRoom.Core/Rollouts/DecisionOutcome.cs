namespace ShipRoom.Core.Rollouts;

/// <summary>How a command ended, as stored with its decision.</summary>
public enum DecisionOutcome
{
    /// <summary>Recorded; the change or the deploy call is under way.</summary>
    Pending,

    /// <summary>Done (and, where a deploy system is configured, acknowledged by it).</summary>
    Executed,

    /// <summary>The deploy system failed or refused: ShipRoom's state may have moved, the deploy did not.</summary>
    Failed,

    /// <summary>Not done: not allowed now, a conflict, or not possible in this state.</summary>
    Refused,
}
