using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>What executed decisions give the engine: sign-offs, and the rollout time of the last resume.</summary>
public static class DecisionInputs
{
    /// <summary>The sign-off an executed approval gave; null for any other decision.</summary>
    public static ApprovalGiven? ApprovalGiven(DecisionRecord decision) =>
        decision is { Kind: RolloutCommand.Approve, Outcome: DecisionOutcome.Executed, ApprovedPhase: { } phase }
            ? new ApprovalGiven(phase, decision.Actor, decision.ApprovedRole ?? Core.Security.Roles.ExecutiveApprover, decision.Reason ?? "", decision.RequestedAt)
            : null;

    public static IReadOnlyList<ApprovalGiven> Approvals(IEnumerable<DecisionRecord> decisions) => decisions.Select(ApprovalGiven).OfType<ApprovalGiven>().ToList();

    /// <summary>After a resume, trigger streaks count afresh from it: what was sustained before the hold was already acted on.</summary>
    public static DateTimeOffset? TriggersFrom(IEnumerable<DecisionRecord> newestFirst, DateTimeOffset phaseStart) =>
        newestFirst.FirstOrDefault(d => d is { Kind: RolloutCommand.Resume, Outcome: DecisionOutcome.Executed }) is { ResumedAt: { } at } && at > phaseStart ? at : null;

    /// <summary>"Keep caps through 25%, unlock at 50%": the caps are lifted once a deploy system acknowledged lifting them, not before.</summary>
    public static bool PaymentCapsLifted(IEnumerable<DecisionRecord> decisions) =>
        decisions.Any(d => d is { Kind: RolloutCommand.Advance, Outcome: DecisionOutcome.Executed, PaymentCapsLiftedAt: not null });
}
