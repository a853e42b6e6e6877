using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>A decision in words, for the timeline, the audit and the posts.</summary>
public static class DecisionText
{
    public static string Describe(DecisionRecord decision) => decision.Kind switch
    {
        RolloutCommand.Start => $"Started the rollout ({Status(decision.ToStatus)})",
        RolloutCommand.Hold when decision.RecordedOnly => $"Hold recorded — carry out by runbook ({Status(decision.ToStatus)})",
        RolloutCommand.Hold => $"Held the rollout ({Status(decision.ToStatus)})",
        RolloutCommand.Resume => $"Resumed the rollout ({Status(decision.ToStatus)})",
        RolloutCommand.Advance => $"Advanced ({Status(decision.ToStatus)})",
        RolloutCommand.Approve => "Approved the step to the next phase",
        RolloutCommand.RollBack when decision.RecordedOnly => $"Rollback recorded — carry out by runbook ({Status(decision.ToStatus)})",
        RolloutCommand.RollBack => $"Rolled back ({Status(decision.ToStatus)})",
        RolloutCommand.Complete => "Completed the rollout",
        RolloutCommand.PollNow => "Asked for a poll now",
        var other => other.Key(),
    } + (decision.Outcome is DecisionOutcome.Failed ? $" — executor failed: {decision.Error}" : "");

    /// <summary>
    /// A stored "RolledBack at 5%" in words ("rolled back at 5%"). The stored form stays the status's name: a retry
    /// after a failed deploy call is matched on it.
    /// </summary>
    public static string Status(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return "";
        }

        var space = stored.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? stored : stored[..space];
        return Enum.TryParse<RolloutStatus>(name, out var status)
            ? status.ToText().ToLowerInvariant() + (space < 0 ? "" : stored[space..])
            : stored;
    }
}
