using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.PostSuccess;

/// <summary>
/// A rollout that completed after the plan's stable time at 100%: its plan, the completion decision (null when none was
/// recorded), when it completed on the wall clock and on the rollout's clock, and when its first phase and 100% began.
/// </summary>
public sealed record PostSuccessCompletion(
    RolloutRecord Rollout,
    RolloutPlan Plan,
    PostSuccessPlan Steps,
    long? DecisionId,
    DateTimeOffset WallAt,
    DateTimeOffset RolloutAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FullTrafficAt)
{
    /// <summary>The step names this completion calls for, in the order they run.</summary>
    public IReadOnlyList<string> ExpectedSteps => PostSuccessSteps.For(Plan);

    /// <summary>When the cohort review falls due (wall clock): GA plus the plan's <c>postSuccess.cohortReview.after</c>.</summary>
    public DateTimeOffset? CohortReviewDueAt => Steps.CohortReview is { } review ? WallAt + review.After : null;

    /// <summary>The key a deploy receiver sees for a step, the same on every retry and instance.</summary>
    public string KeyOf(string step) => $"post-success:{Rollout.Id}:{step}";
}
