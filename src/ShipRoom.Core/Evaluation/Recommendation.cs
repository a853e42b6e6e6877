namespace ShipRoom.Core.Evaluation;

/// <summary>
/// What the ship room should do now. Directive 004 asks for "continue, hold, or rollback"; GO is the step to the
/// next phase.
/// </summary>
public enum RecommendationKind
{
    Go,
    Continue,
    Hold,
    Rollback,
}

public sealed record Recommendation(RecommendationKind Kind, IReadOnlyList<string> Reasons)
{
    public string Text => Kind switch
    {
        RecommendationKind.Go => "GO",
        RecommendationKind.Continue => "CONTINUE",
        RecommendationKind.Hold => "HOLD",
        _ => "ROLLBACK",
    };
}

/// <summary>Whether the phase may advance now, and if not, everything still missing.</summary>
public sealed record AdvanceVerdict(
    bool MayAdvance,
    int MinutesObserved,
    int MinutesRequired,
    bool ApprovalRequired,
    bool AutoApproved,
    string? ApprovalRole,
    ApprovalGiven? Approval,
    IReadOnlyList<string> Missing)
{
    /// <summary>Where a sign-off is needed: what the auto-approval asked for and did not get (empty when auto-approved).</summary>
    public IReadOnlyList<string> AutoApprovalMissing { get; init; } = [];
}
