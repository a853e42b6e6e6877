namespace ShipRoom.Core.Rollouts;

/// <summary>Where a rollout is in its life. Transitions are enforced by the engine, each naming an actor and a reason.</summary>
public enum RolloutStatus
{
    Draft,
    Scheduled,
    Running,
    Held,
    RollingBack,
    RolledBack,
    Stabilising,
    Completed,
}
