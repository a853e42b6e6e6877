using System.Globalization;
using ShipRoom.Core.Evaluation;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// What a decision's Detail carries for the engine: the phase an approval lets the rollout leave ("phase=N") and the
/// rollout time of a resume ("at=ISO"). Written by the command service; read by the snapshot (to judge) and the audit
/// archive (so a replay judges from the same inputs), in this one place.
/// </summary>
public static class DecisionDetail
{
    public static string Approval(int phaseIndex) => $"phase={phaseIndex.ToString(CultureInfo.InvariantCulture)}";

    public static string Resume(DateTimeOffset rolloutNow) => $"at={rolloutNow.ToString("O", CultureInfo.InvariantCulture)}";

    /// <summary>The sign-off an executed approval gave, as the engine reads it; null for any other decision.</summary>
    public static ApprovalGiven? ApprovalGiven(DecisionRecord decision) =>
        decision is { Kind: CommandKinds.Approve, Outcome: DecisionOutcomes.Executed }
            ? new ApprovalGiven(ApprovalPhase(decision.Detail), decision.Actor, Core.Security.Roles.ExecutiveApprover, decision.Reason ?? "", decision.RequestedAt)
            : null;

    /// <summary>The rollout time an executed resume took effect; null for any other decision.</summary>
    public static DateTimeOffset? ResumedAt(DecisionRecord decision) =>
        decision is { Kind: CommandKinds.Resume, Outcome: DecisionOutcomes.Executed, Detail: { } detail } && detail.StartsWith("at=", StringComparison.Ordinal) &&
        DateTimeOffset.TryParse(detail.AsSpan(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    private static int ApprovalPhase(string? detail) =>
        detail is not null && detail.StartsWith("phase=", StringComparison.Ordinal) && int.TryParse(detail.AsSpan(6), NumberStyles.Integer, CultureInfo.InvariantCulture, out var phase) ? phase : -1;
}
