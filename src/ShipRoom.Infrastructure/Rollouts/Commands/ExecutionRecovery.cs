using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// Finishes commands an instance left half-done when it stopped (killed mid-command, a crash during the deploy call):
/// every decision still Pending after <see cref="PendingFor"/> is claimed by one instance and resolved. Nothing had
/// moved yet: refused as interrupted. The state had moved: the deploy system is asked again (same decision, so a
/// receiver can tell the repeat) and the outcome recorded. Each says so on the timeline and in the audit.
/// "Half-done" means Pending for longer than any deploy call can take (<see cref="DeployRunner.LongestCall"/>).
/// </summary>
public sealed class ExecutionRecovery(
    IDecisionRepository decisions,
    IRolloutRepository rollouts,
    CommandLedger ledger,
    DeployRunner deploy,
    PlanCache plans,
    SnapshotRefresher refresher,
    TimeProvider time,
    ILogger<ExecutionRecovery> logger)
{
    public TimeSpan PendingFor => deploy.LongestCall;

    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var recovered = 0;
        foreach (var decision in await decisions.ListPendingAsync(now - PendingFor, 50, cancellationToken))
        {
            if (!await decisions.TryClaimRecoveryAsync(decision.Id, now, now - PendingFor, cancellationToken))
            {
                continue;
            }

            try
            {
                await RecoverAsync(decision, cancellationToken);
                recovered++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Recovering decision {DecisionId} of rollout {RolloutId} failed; it is tried again later", decision.Id, decision.RolloutId);
            }
        }

        return recovered;
    }

    private async Task RecoverAsync(DecisionRecord decision, CancellationToken cancellationToken)
    {
        var request = new CommandRequest(decision.RolloutId, decision.Kind, new CommandActor(decision.Actor, [], decision.Actor == RolloutActor.AutomaticName), decision.Reason ?? "");
        var rollout = await rollouts.GetAsync(decision.RolloutId, cancellationToken);
        if (rollout is null || decision.ToStatus is null || !decision.Kind.NeedsExecutor())
        {
            // Nothing moved before the instance stopped: the command was never carried out.
            await ledger.RefuseAsync(decision, request, new CommandResult(CommandStatus.Invalid,
                "interrupted: the instance carrying it out stopped before anything changed; give the command again if it is still needed"), cancellationToken);
            logger.LogWarning("Decision {DecisionId} of rollout {RolloutId} was interrupted before anything changed; recorded as refused", decision.Id, decision.RolloutId);
        }
        else
        {
            var plan = plans.Get(rollout);
            var phase = plan.Phases[rollout.PhaseIndex];
            var wallNow = time.GetUtcNow();
            var executed = await deploy.RunAsync(new DeployAction(decision.Kind.Key(), rollout.Id, plan.Release.Version, plan.Release.Commit, rollout.PhaseIndex, phase.Name, phase.TrafficPercent,
                decision.Actor, decision.Reason ?? "", wallNow) { DecisionId = decision.Id }, cancellationToken);
            var to = decision.ToStatus;
            if (executed.Acknowledged && decision.Kind == RolloutCommand.RollBack && rollout.Status == RolloutStatus.RollingBack &&
                await rollouts.TryChangeStateAsync(rollout.Id, rollout.Version, new RolloutStateChange(RolloutStatus.RolledBack, rollout.PhaseIndex, rollout.PhaseStartedAt, time.GetUtcNow()), cancellationToken))
            {
                to = $"{RolloutStatus.RolledBack} at {phase.Name}";
            }

            var recovered = request with { Reason = $"{request.Reason} (carried out after the instance that took it stopped)" };
            if (executed.Acknowledged)
            {
                await ledger.ExecutedAsync(decision, recovered, decision.FromStatus ?? "", to, deploy.Name, executed, wallNow,
                    executed.RecordedOnly ? null : time.GetUtcNow(), new DecisionUpdate(DecisionOutcome.Executed, null, null, null, null), cancellationToken);
            }
            else
            {
                await ledger.FailedAsync(decision, recovered, decision.FromStatus ?? "", to, deploy.Name, executed, wallNow, cancellationToken);
            }

            logger.LogWarning("Decision {DecisionId} of rollout {RolloutId} was left half-done by a stopped instance; the deploy system was asked again: {Outcome}",
                decision.Id, decision.RolloutId, executed.Acknowledged ? "acknowledged" : executed.Error);
        }

        await refresher.RefreshAsync(decision.RolloutId, cancellationToken);
    }
}
