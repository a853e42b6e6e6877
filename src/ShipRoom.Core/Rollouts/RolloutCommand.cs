namespace ShipRoom.Core.Rollouts;

/// <summary>What can move a rollout from one state to another.</summary>
public enum RolloutCommand
{
    Schedule,
    Start,
    Hold,
    Resume,
    Advance,
    RollBack,
    RollbackCompleted,
    Complete,
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
