namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>Who gives a command: a signed-in person, an API token, or ShipRoom acting on a trigger.</summary>
public sealed record CommandActor(string Name, IReadOnlyList<string> Roles, bool IsAutomatic = false)
{
    public static CommandActor Automatic { get; } = new(Core.Rollouts.RolloutActor.AutomaticName, [], true);
}

/// <summary>
/// One command. <see cref="ExpectedVersion"/> is the rollout version the caller saw: when someone changed it first the
/// command is refused as a conflict. <see cref="IdempotencyKey"/> makes a repeated request land on the first decision.
/// </summary>
public sealed record CommandRequest(long RolloutId, Core.Rollouts.RolloutCommand Kind, CommandActor Actor, string Reason, long? ExpectedVersion = null, string? IdempotencyKey = null)
{
    /// <summary>The poll's assessment behind an automatic command: its checks read this verdict instead of judging again.</summary>
    public RolloutAssessment? Assessment { get; init; }

    /// <summary>For a start inside a lock or freeze: the executive approver's reason for overriding it (audited).</summary>
    public string? FreezeOverride { get; init; }
}

public enum CommandStatus
{
    Executed,
    Duplicate,
    Forbidden,
    Conflict,
    Invalid,
    NotFound,
    ExecutorFailed,
}

/// <summary>
/// What became of a command. <see cref="RecordedOnly"/>: ShipRoom changed its own state but no deploy system is
/// configured, so nothing was sent anywhere: the action is carried out by runbook.
/// </summary>
public sealed record CommandResult(CommandStatus Status, string Message, long? DecisionId = null, Snapshots.RolloutSnapshot? Snapshot = null)
{
    private readonly Task<Snapshots.RolloutSnapshot?>? _published;
    private readonly Core.Rollouts.RolloutStatus? _rolloutStatus;
    private readonly long? _rolloutVersion;

    public bool Succeeded => Status is CommandStatus.Executed or CommandStatus.Duplicate;

    public bool RecordedOnly { get; init; }

    /// <summary>
    /// The rollout's snapshot once built and handed to every viewer. A rollout command answers before that (its state
    /// is stored and the deploy system has answered): whoever needs the snapshot itself awaits this. Never faults.
    /// </summary>
    public Task<Snapshots.RolloutSnapshot?> Published
    {
        get => _published ?? Task.FromResult(Snapshot);
        init => _published = value;
    }

    /// <summary>The rollout's status as this command left it (null when it was not carried out).</summary>
    public Core.Rollouts.RolloutStatus? RolloutStatus
    {
        get => _rolloutStatus ?? Snapshot?.Status;
        init => _rolloutStatus = value;
    }

    /// <summary>The rollout's version as this command left it: the <c>expectedVersion</c> of the next command.</summary>
    public long? RolloutVersion
    {
        get => _rolloutVersion ?? Snapshot?.Version;
        init => _rolloutVersion = value;
    }
}
