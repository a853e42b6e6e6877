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

public static class RolloutStatusText
{
    /// <summary>How people read a status in the UI, the audit and the posts: "Rolled back", never "RolledBack".</summary>
    public static string ToText(this RolloutStatus status) => status switch
    {
        RolloutStatus.Draft => "Draft",
        RolloutStatus.Scheduled => "Scheduled",
        RolloutStatus.Running => "Running",
        RolloutStatus.Held => "Held",
        RolloutStatus.RollingBack => "Rolling back",
        RolloutStatus.RolledBack => "Rolled back",
        RolloutStatus.Stabilising => "Stabilising",
        RolloutStatus.Completed => "Completed",
        _ => status.ToString(),
    };
}
