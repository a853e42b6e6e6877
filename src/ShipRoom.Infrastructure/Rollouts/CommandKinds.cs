using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>The commands a person, a token or ShipRoom itself can give a rollout, as stored in decisions.</summary>
public static class CommandKinds
{
    public const string Start = "start";
    public const string Hold = "hold";
    public const string Resume = "resume";
    public const string Advance = "advance";
    public const string Approve = "approve";
    public const string RollBack = "rollback";
    public const string Complete = "complete";
    public const string PollNow = "poll-now";

    public static IReadOnlyList<string> All { get; } = [Start, Hold, Resume, Advance, Approve, RollBack, Complete, PollNow];

    public static RolloutAction ActionOf(string kind) => kind switch
    {
        Start or Advance or Complete => RolloutAction.Advance,
        Hold => RolloutAction.Hold,
        Resume => RolloutAction.Resume,
        Approve => RolloutAction.Approve,
        RollBack => RolloutAction.RollBack,
        PollNow => RolloutAction.PollNow,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown command"),
    };

    public static RolloutCommand? StateCommandOf(string kind) => kind switch
    {
        Start => RolloutCommand.Start,
        Hold => RolloutCommand.Hold,
        Resume => RolloutCommand.Resume,
        Advance => RolloutCommand.Advance,
        RollBack => RolloutCommand.RollBack,
        Complete => RolloutCommand.Complete,
        _ => null,
    };

    /// <summary>The stored kind of a state command (the inverse of <see cref="StateCommandOf"/>).</summary>
    public static string Of(RolloutCommand command) => command switch
    {
        RolloutCommand.Start => Start,
        RolloutCommand.Hold => Hold,
        RolloutCommand.Resume => Resume,
        RolloutCommand.Advance => Advance,
        RolloutCommand.RollBack => RollBack,
        RolloutCommand.Complete => Complete,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not a command a person or ShipRoom gives"),
    };

    /// <summary>Whether the deploy executor carries the command out (the others only change ShipRoom's own state).</summary>
    public static bool NeedsExecutor(string kind) => kind is Start or Hold or Resume or Advance or RollBack;

    public static string Describe(DecisionRecord decision) => decision.Kind switch
    {
        Start => $"Started the rollout ({decision.ToStatus})",
        Hold => $"Held the rollout ({decision.ToStatus})",
        Resume => $"Resumed the rollout ({decision.ToStatus})",
        Advance => $"Advanced ({decision.ToStatus})",
        Approve => "Approved the step to the next phase",
        RollBack => $"Rolled back ({decision.ToStatus})",
        Complete => "Completed the rollout",
        PollNow => "Asked for a poll now",
        _ => decision.Kind,
    } + (decision.Outcome is DecisionOutcomes.Failed ? $" — executor failed: {decision.Error}" : "");
}

public static class DecisionOutcomes
{
    public const string Pending = "Pending";
    public const string Executed = "Executed";
    public const string Failed = "Failed";
    public const string Refused = "Refused";
}
