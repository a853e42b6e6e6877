using ShipRoom.Core.Plans;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.PostSuccess;

/// <summary>
/// Post-success, carried out. A rollout completes only after the plan's stable time at 100%
/// (<c>settings.stabilisation</c>); then the background job (every 30 s, any instance) runs what the plan's
/// <c>postSuccess:</c> pre-approves: the deploy actions, the change freeze, the win note draft, and — once due — the
/// cohort review. Every step is claimed once per rollout and step in <c>post_success_actions</c>, so restarts and
/// other instances do nothing twice, and its outcome is kept and shown as it really was.
/// </summary>
public sealed class PostSuccessService(
    IRolloutRepository rollouts,
    CommandLedger ledger,
    PlanCache plans,
    PostSuccessActionRunner actions,
    PostSuccessReports reports,
    SnapshotRefresher refresher,
    TimeProvider time,
    ILogger<PostSuccessService> logger)
{
    /// <summary>Completed rollouts are looked at for this long after the cohort review falls due (or after completion, without one).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    /// <summary>Runs every step that is due for every recently completed rollout; returns how many steps ran.</summary>
    public Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return RolloutSweep.SumAsync(
            rollouts,
            rollout => rollout.Status == RolloutStatus.Completed && now - rollout.UpdatedAt <= Grace + (plans.Get(rollout).PostSuccess?.CohortReview?.After ?? TimeSpan.Zero),
            RunAsync,
            logger,
            "Carrying out the post-success steps",
            cancellationToken);
    }

    public async Task<int> RunAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var plan = plans.Get(rollout);
        if (rollout.Status != RolloutStatus.Completed || plan.PostSuccess is not { } postSuccess)
        {
            return 0;
        }

        var recorded = await actions.ListAsync(rollout.Id, cancellationToken);
        var completion = await CompletionAsync(rollout, plan, postSuccess, cancellationToken);
        if (completion.ExpectedSteps.All(step => IsSettled(recorded.FirstOrDefault(r => r.Action == step), step, completion)))
        {
            return 0;
        }

        var decisions = await ledger.RecentAsync(rollout.Id, 500, cancellationToken);
        var ran = await actions.RunActionsAsync(completion, decisions, cancellationToken);
        var steps = (await actions.ListAsync(rollout.Id, cancellationToken)).Where(s => s.Action != PostSuccessSteps.WinNote).ToList();
        // The win note says what became of each step: it waits until no step is still being carried out (by another
        // instance sweeping at the same time), and whichever instance finishes last writes it.
        var stepsSettled = completion.ExpectedSteps.Where(step => step is not PostSuccessSteps.WinNote and not PostSuccessSteps.CohortReview)
            .All(step => steps.FirstOrDefault(r => r.Action == step) is { Outcome: not PostSuccessOutcomes.Sending });
        if (postSuccess.WinNote && stepsSettled && await actions.ClaimAsync(completion, PostSuccessSteps.WinNote, cancellationToken))
        {
            var drafted = await reports.DraftWinNoteAsync(completion, steps, cancellationToken);
            await actions.FinishAsync(rollout.Id, PostSuccessSteps.WinNote, PostSuccessOutcomes.Done,
                drafted ? "drafted for a PM to edit and publish" : "already drafted", time.GetUtcNow(), cancellationToken);
            ran++;
        }

        if (completion.CohortReviewDueAt is { } due && time.GetUtcNow() >= due && await actions.ClaimAsync(completion, PostSuccessSteps.CohortReview, cancellationToken))
        {
            var where = await reports.PostCohortReviewAsync(completion, cancellationToken);
            await actions.FinishAsync(rollout.Id, PostSuccessSteps.CohortReview, PostSuccessOutcomes.Done, where, time.GetUtcNow(), cancellationToken);
            ran++;
        }

        if (ran > 0)
        {
            await refresher.RefreshAsync(rollout.Id, cancellationToken);
        }

        return ran;
    }

    /// <summary>Nothing left to do for the step: done, acknowledged or recorded, or failed with no attempt left; a review not yet due waits.</summary>
    private bool IsSettled(PostSuccessRecord? record, string step, PostSuccessCompletion completion)
    {
        if (record is null)
        {
            return step == PostSuccessSteps.CohortReview && time.GetUtcNow() < completion.CohortReviewDueAt;
        }

        return record.Outcome switch
        {
            PostSuccessOutcomes.Sending => false,
            PostSuccessOutcomes.Failed => record.Attempts >= PostSuccessActionRunner.MaxAttempts,
            _ => true,
        };
    }

    private async Task<PostSuccessCompletion> CompletionAsync(RolloutRecord rollout, RolloutPlan plan, PostSuccessPlan postSuccess, CancellationToken cancellationToken)
    {
        var complete = (await ledger.RecentAsync(rollout.Id, 20, cancellationToken))
            .FirstOrDefault(d => d is { Kind: RolloutCommand.Complete, Outcome: DecisionOutcome.Executed });
        var wallAt = complete?.ExecutedAt ?? complete?.RequestedAt ?? rollout.UpdatedAt;
        var phases = await rollouts.ListPhasesAsync(rollout.Id, cancellationToken);
        return new PostSuccessCompletion(rollout, plan, postSuccess, complete?.Id, wallAt, RolloutClock.Now(rollout, wallAt),
            phases.OrderBy(p => p.PhaseIndex).FirstOrDefault()?.StartedAt,
            phases.FirstOrDefault(p => p.PhaseIndex == plan.Phases.Count - 1)?.StartedAt ?? rollout.PhaseStartedAt);
    }
}
