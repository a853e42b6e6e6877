namespace ShipRoom.Core.Rollouts.Replay;

/// <summary>How a line of the replayed timeline compares with what the live run recorded.</summary>
public enum ReplayMatch
{
    /// <summary>An input taken from the record (a person's command or sign-off).</summary>
    Input,

    /// <summary>ShipRoom took the same automatic command in the same minute of the live run.</summary>
    AsRecorded,

    /// <summary>The replay takes this automatic command; the live run did not, in that minute.</summary>
    NotRecorded,

    /// <summary>The live run took this automatic command; the replay did not, in that minute.</summary>
    RecordedOnly,

    /// <summary>A person's command that was possible in the live run but not in the replayed state.</summary>
    InputRefused,
}

/// <summary>
/// One line of the decision timeline: at which time (the rollout's clock) which action was taken, by whom, in which
/// phase, the rollout's status and phase after it, and why. <see cref="Action"/> is the command's stored name
/// (advance, hold, resume, rollback, complete, approve).
/// </summary>
public sealed record ReplayEntry(
    DateTimeOffset At,
    string Action,
    string Actor,
    bool Automatic,
    string Phase,
    RolloutStatus StatusAfter,
    string PhaseAfter,
    string Reason,
    ReplayMatch Match);

/// <summary>The replayed timeline, every difference from the record in it, and where the replay left the rollout.</summary>
public sealed record ReplayResult(
    DateTimeOffset From,
    DateTimeOffset Until,
    int Judgements,
    IReadOnlyList<ReplayEntry> Timeline,
    RolloutStatus FinalStatus,
    string FinalPhase)
{
    /// <summary>Whether the replay took exactly the automatic commands the live run took, in the same minutes.</summary>
    public bool SameAsRecorded => Timeline.All(e => e.Match is ReplayMatch.Input or ReplayMatch.AsRecorded);

    public IEnumerable<ReplayEntry> Automatic => Timeline.Where(e => e.Automatic && e.Match != ReplayMatch.RecordedOnly);
}
