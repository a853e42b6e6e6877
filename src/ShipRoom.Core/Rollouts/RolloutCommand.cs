namespace ShipRoom.Core.Rollouts;

/// <summary>
/// Every command a rollout knows: the ones a person, a token or ShipRoom itself gives (<see cref="RolloutCommands.Given"/>,
/// stored in decisions by <see cref="RolloutCommands.Key"/>), and the state machine's own steps (Schedule,
/// RollbackCompleted). Approve and PollNow change no state: an approval is an input to the next advance.
/// </summary>
public enum RolloutCommand
{
    Schedule,
    Start,
    Hold,
    Resume,
    Advance,
    Approve,
    RollBack,
    RollbackCompleted,
    Complete,
    PollNow,
}

/// <summary>Who moved it: a person (by user name) or ShipRoom itself acting on a trigger.</summary>
public sealed record RolloutActor(string Name, bool IsAutomatic)
{
    public const string AutomaticName = "ShipRoom (automatic)";

    public static RolloutActor Automatic { get; } = new(AutomaticName, true);

    public static RolloutActor Person(string userName) => new(userName, false);
}

public sealed record RolloutState(RolloutStatus Status, int PhaseIndex);

/// <summary>A transition that happened (or was refused, with the reason why).</summary>
public sealed record RolloutTransition(bool Allowed, RolloutState From, RolloutState To, RolloutCommand Command, RolloutActor Actor, string Reason, string? Refusal);
