using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// What a command must meet before it runs. <see cref="ApprovalRole"/> is the role a sign-off was given in;
/// <see cref="Retrying"/> is the failed decision a command carries out again (the state already moved, the deploy
/// system never got it).
/// </summary>
public sealed record CommandCheck(CommandResult? Refusal, string? ApprovalRole = null, DecisionRecord? Retrying = null);

public sealed class CommandChecks(IChecklistRepository checklists, MetricSourceResolver sources, RolloutAssessor assessor, Freezes.FreezeService freezes)
{
    public async Task<CommandCheck> CheckAsync(CommandRequest request, RolloutRecord rollout, RolloutPlan plan, IReadOnlyList<DecisionRecord> recent, CancellationToken cancellationToken)
    {
        var kind = request.Kind;
        if (request.ExpectedVersion is { } expected && expected != rollout.Version)
        {
            var last = recent.FirstOrDefault(d => d.Outcome == DecisionOutcome.Executed);
            var who = last is null ? "" : $" ({DecisionText.Describe(last)} by {last.Actor} at {last.RequestedAt:HH:mm:ss} UTC)";
            return Refuse(CommandStatus.Conflict, $"the rollout changed while you were deciding: it is now {rollout.Status.ToText().ToLowerInvariant()}{who}. Nothing was done; look again and retry if still needed.");
        }

        if (RetryOf(kind, rollout, recent) is { } failed)
        {
            return new CommandCheck(null, Retrying: failed);
        }

        if (kind == RolloutCommand.Approve)
        {
            // The plan's approval rule, or a MARGINAL canary judgement, decides whether this step needs a sign-off and whose.
            var advance = rollout.Status == RolloutStatus.Running ? (await VerdictAsync(request, rollout, cancellationToken))?.Advance : null;
            if (advance is not { ApprovalRequired: true, ApprovalRole: { } role })
            {
                return Refuse(CommandStatus.Invalid, $"there is no step waiting for approval (the rollout is {rollout.Status.ToText().ToLowerInvariant()} at {plan.Phases[rollout.PhaseIndex].Name})");
            }

            return request.Actor.Roles.Contains(role, StringComparer.Ordinal)
                ? new CommandCheck(null, ApprovalRole: role)
                : Refuse(CommandStatus.Forbidden, $"this step needs the {Roles.DisplayName(role).ToLowerInvariant()}'s sign-off");
        }

        if (kind is RolloutCommand.Advance or RolloutCommand.Complete)
        {
            var verdict = await VerdictAsync(request, rollout, cancellationToken);
            if (verdict is not { Advance.MayAdvance: true })
            {
                return Refuse(CommandStatus.Invalid, $"cannot {kind.Key()} yet: {string.Join("; ", verdict?.Advance.Missing ?? ["no metrics judged yet"])}");
            }
        }

        if (kind == RolloutCommand.Start && sources.WhyNotReady(rollout.MetricSource, plan) is { } notReady)
        {
            return Refuse(CommandStatus.Invalid, $"cannot start: {notReady}");
        }

        if (kind == RolloutCommand.Start && !request.Actor.IsAutomatic)
        {
            // The pre-flight (everything due by T-1h) must be complete; only the executive may start with items open.
            var open = (await checklists.ListAsync(rollout.Id, cancellationToken))
                .Where(i => i.DueOffsetMinutes <= -60 && i.State is not (TickStates.Done or TickStates.NotApplicable)).ToList();
            if (open.Count > 0 && !request.Actor.Roles.Contains(Roles.ExecutiveApprover, StringComparer.Ordinal))
            {
                return Refuse(CommandStatus.Invalid,
                    $"the T-1h pre-flight is not complete ({open.Count} open: {string.Join("; ", open.Take(3).Select(i => i.Title))}); only the executive approver can start with items open, giving a reason");
            }
        }

        if (kind == RolloutCommand.Start && !request.Actor.IsAutomatic && rollout.Status == RolloutStatus.Scheduled &&
            await freezes.RefuseStartAsync(rollout.Id, request.Actor.Name, request.Actor.Roles, request.FreezeOverride, cancellationToken) is { } frozen)
        {
            // An infra lock (another canary is live) or a change freeze after GA: only the executive overrides, with a reason.
            return Refuse(CommandStatus.Invalid, $"cannot start: {frozen}");
        }

        var transition = RolloutStateMachine.Apply(new RolloutState(rollout.Status, rollout.PhaseIndex), kind, plan.Phases.Count, RolloutActor.Person(request.Actor.Name), request.Reason);
        return transition.Allowed ? new CommandCheck(null) : Refuse(CommandStatus.Invalid, $"cannot {kind.Key()}: {transition.Refusal}");
    }

    /// <summary>
    /// The last thing that happened to the rollout was this very command failing in the deploy system: its state already
    /// moved, so the command is carried out again instead of refused as impossible in the new state.
    /// </summary>
    private static DecisionRecord? RetryOf(RolloutCommand kind, RolloutRecord rollout, IReadOnlyList<DecisionRecord> recent) =>
        kind.NeedsExecutor() && recent.FirstOrDefault(d => d.Outcome is DecisionOutcome.Executed or DecisionOutcome.Failed) is { Outcome: DecisionOutcome.Failed } failed &&
        failed.Kind == kind && failed.ToStatus is { } to && to.StartsWith($"{rollout.Status} at ", StringComparison.Ordinal)
            ? failed
            : null;

    /// <summary>The verdict the command is checked against: the poll's own for an automatic command, judged now otherwise.</summary>
    private async Task<Core.Evaluation.RolloutVerdict?> VerdictAsync(CommandRequest request, RolloutRecord rollout, CancellationToken cancellationToken) =>
        request.Assessment is { } given && given.Rollout.Version == rollout.Version
            ? given.Verdict
            : (await assessor.AssessAsync(rollout, cancellationToken)).Verdict;

    private static CommandCheck Refuse(CommandStatus status, string message) => new(new CommandResult(status, message));
}
