using ShipRoom.Core.Security;

namespace ShipRoom.Core.Rollouts;

/// <summary>The commands people and ShipRoom give, their stored names ("rollback", "poll-now") and what each needs.</summary>
public static class RolloutCommands
{
    /// <summary>What a person, a token or ShipRoom can give (the API's and the hub's command names).</summary>
    public static IReadOnlyList<RolloutCommand> Given { get; } =
    [
        RolloutCommand.Start, RolloutCommand.Hold, RolloutCommand.Resume, RolloutCommand.Advance, RolloutCommand.Approve, RolloutCommand.RollBack,
        RolloutCommand.Complete, RolloutCommand.PollNow,
    ];

    /// <summary>The name stored in decisions and used in URLs: "start", "rollback", "poll-now".</summary>
    public static string Key(this RolloutCommand command) => command switch
    {
        RolloutCommand.PollNow => "poll-now",
        RolloutCommand.RollbackCompleted => "rollback-completed",
        _ => command.ToString().ToLowerInvariant(),
    };

    /// <summary>Reads a command a person or ShipRoom can give, by its key ("rollback") or its name ("RollBack").</summary>
    public static bool TryParse(string? text, out RolloutCommand command)
    {
        var trimmed = (text ?? "").Trim();
        foreach (var candidate in Given)
        {
            if (string.Equals(candidate.Key(), trimmed, StringComparison.OrdinalIgnoreCase) || string.Equals(candidate.ToString(), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                command = candidate;
                return true;
            }
        }

        command = default;
        return false;
    }

    /// <summary>"start, hold, resume, advance, approve, rollback, complete, poll-now".</summary>
    public static string KeysText => string.Join(", ", Given.Select(c => c.Key()));

    /// <summary>Whether the command moves the rollout's state (Approve and PollNow do not).</summary>
    public static bool ChangesState(this RolloutCommand command) => command is not (RolloutCommand.Approve or RolloutCommand.PollNow);

    /// <summary>Whether the deploy executor carries the command out (the others only change ShipRoom's own state).</summary>
    public static bool NeedsExecutor(this RolloutCommand command) =>
        command is RolloutCommand.Start or RolloutCommand.Hold or RolloutCommand.Resume or RolloutCommand.Advance or RolloutCommand.RollBack;

    /// <summary>The permission a person needs to give the command.</summary>
    public static RolloutAction Action(this RolloutCommand command) => command switch
    {
        RolloutCommand.Start or RolloutCommand.Advance or RolloutCommand.Complete => RolloutAction.Advance,
        RolloutCommand.Hold => RolloutAction.Hold,
        RolloutCommand.Resume => RolloutAction.Resume,
        RolloutCommand.Approve => RolloutAction.Approve,
        RolloutCommand.RollBack => RolloutAction.RollBack,
        RolloutCommand.PollNow => RolloutAction.PollNow,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not a command a person gives"),
    };
}
