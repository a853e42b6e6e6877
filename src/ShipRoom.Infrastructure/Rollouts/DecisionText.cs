using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>A decision in words, for the timeline, the audit and the posts.</summary>
public static class DecisionText
{
    public static string Describe(DecisionRecord decision) => decision.Kind switch
    {
        RolloutCommand.Start => $"Started the rollout ({decision.ToStatus})",
        RolloutCommand.Hold => $"Held the rollout ({decision.ToStatus})",
        RolloutCommand.Resume => $"Resumed the rollout ({decision.ToStatus})",
        RolloutCommand.Advance => $"Advanced ({decision.ToStatus})",
        RolloutCommand.Approve => "Approved the step to the next phase",
        RolloutCommand.RollBack => $"Rolled back ({decision.ToStatus})",
        RolloutCommand.Complete => "Completed the rollout",
        RolloutCommand.PollNow => "Asked for a poll now",
        var other => other.Key(),
    } + (decision.Outcome is DecisionOutcome.Failed ? $" — executor failed: {decision.Error}" : "");
}
