using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// The one path every command takes, whoever gives it (a component, the API, the hub, chat, a trigger): authorise on
/// the server, claim the idempotency key, check, move the state (recording that it moved before the deploy call, so a
/// crash in between is finished by <see cref="ExecutionRecovery"/>), run the deploy executor, record the decision and
/// the audit entry, and answer; the snapshot is built and published once, meanwhile (<see cref="CommandResult.Published"/>).
/// </summary>
public sealed class RolloutCommandService(
    IRolloutRepository rollouts,
    CommandLedger ledger,
    CommandChecks checks,
    DeployRunner deploy,
    OfflineRollback offline,
    SnapshotRefresher refresher,
    PlanCache plans,
    TimeProvider time)
{
    public const int MaxReasonLength = 1000;

    private static readonly RolloutCommand[] AutomaticKinds = [RolloutCommand.Hold, RolloutCommand.RollBack, RolloutCommand.Advance, RolloutCommand.Complete];

    /// <summary>No deploy system is configured: Hold and Roll back are recorded, and carried out by runbook.</summary>
    public bool RecordsOnly => deploy.RecordsOnly;

    public async Task<CommandResult> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Command, request.RolloutId)?.SetTag(Telemetry.RolloutTracing.CommandKindTag, request.Kind.Key());
        using var turn = ledger.CarryingOut();
        CommandResult result;
        try
        {
            // The command's storage calls come one after another: they share one connection (12 opens for a rollback
            // before), given back to the pool while the deploy system is called (CommandLedger.WaitingForDeploySystem).
            await using var shared = SharedConnectionScope.Begin();
            result = await ExecuteCoreAsync(request, cancellationToken);
        }
        catch (Exception exception) when (DeferredRollbacks.IsStorageFailure(exception) && request.Kind == RolloutCommand.RollBack)
        {
            result = await offline.RollBackAsync(request, cancellationToken);
        }

        activity?.SetTag(Telemetry.RolloutTracing.OutcomeTag, result.Status.ToString());
        ledger.Count(request.Kind, result.Status);
        return result;
    }

    private async Task<CommandResult> ExecuteCoreAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var kind = request.Kind;
        if (!RolloutCommands.Given.Contains(kind) || kind == RolloutCommand.PollNow)
        {
            return new CommandResult(CommandStatus.Invalid, $"'{kind.Key()}' is not a command the rollout carries out (commands: start, hold, resume, advance, approve, rollback, complete)");
        }

        var reason = request.Reason.Trim();
        if (reason.Length == 0)
        {
            return new CommandResult(CommandStatus.Invalid, "a reason is required");
        }

        if (reason.Length > MaxReasonLength)
        {
            return new CommandResult(CommandStatus.Invalid, $"the reason is longer than {MaxReasonLength} characters");
        }

        if (!IsAllowed(request.Actor, kind))
        {
            await ledger.ForbiddenAsync(request, reason, cancellationToken);
            var allowed = string.Join(", ", PermissionMatrix.RolesFor(kind.Action()).Order(StringComparer.Ordinal));
            return new CommandResult(CommandStatus.Forbidden, $"{kind.Key()} needs one of these roles: {allowed}");
        }

        // A duplicate whose first request was refused meanwhile finds its key free again: then this request is given afresh.
        for (var attempt = 0; ; attempt++)
        {
            var rollout = await rollouts.GetAsync(request.RolloutId, cancellationToken);
            if (rollout is null)
            {
                return new CommandResult(CommandStatus.NotFound, $"rollout {request.RolloutId} does not exist");
            }

            var key = request.IdempotencyKey is { Length: > 0 and <= 200 } given ? given : $"{kind.Key()}:{rollout.Id}:v{request.ExpectedVersion ?? rollout.Version}";
            var (decision, created) = await ledger.ClaimAsync(rollout, request, key, reason, time.GetUtcNow(), cancellationToken);
            if (!created)
            {
                var (answer, tryAgain) = await ledger.DuplicateAsync(decision, request, mayTryAgain: attempt < 2, cancellationToken);
                if (tryAgain)
                {
                    continue;
                }

                return answer!;
            }

            var plan = plans.Get(rollout);
            var recent = await ledger.RecentAsync(rollout.Id, 20, cancellationToken);
            var check = await checks.CheckAsync(request with { Reason = reason }, rollout, plan, recent.Where(d => d.Id != decision.Id).ToList(), cancellationToken);
            return check.Refusal is { } refusal
                ? await ledger.RefuseAsync(decision, request, refusal, cancellationToken)
                : await CarryOutAsync(request with { Reason = reason }, rollout, plan, decision, check, cancellationToken);
        }
    }

    private static bool IsAllowed(CommandActor actor, RolloutCommand kind) =>
        actor.IsAutomatic ? AutomaticKinds.Contains(kind) : PermissionMatrix.IsAllowed(actor.Roles, kind.Action());

    private async Task<CommandResult> CarryOutAsync(CommandRequest request, RolloutRecord rollout, RolloutPlan plan, DecisionRecord decision, CommandCheck check, CancellationToken cancellationToken)
    {
        var kind = request.Kind;
        var wallNow = time.GetUtcNow();
        var rolloutNow = RolloutClock.Now(rollout, wallNow);
        var from = new RolloutState(rollout.Status, rollout.PhaseIndex);
        var to = from;
        var version = rollout.Version;
        if (kind.ChangesState() && check.Retrying is null)
        {
            to = RolloutStateMachine.Apply(from, kind, plan.Phases.Count, Actor(request.Actor), request.Reason).To;
            var phaseChanged = to.PhaseIndex != from.PhaseIndex || kind == RolloutCommand.Start;
            var change = new RolloutStateChange(to.Status, to.PhaseIndex, phaseChanged ? Minutes.Floor(rolloutNow) : rollout.PhaseStartedAt, wallNow);
            if (!await rollouts.TryChangeStateAsync(rollout.Id, version, change, cancellationToken))
            {
                return await ledger.RefuseAsync(decision, request,
                    new CommandResult(CommandStatus.Conflict, "someone else changed the rollout at the same moment: nothing was done; look again and retry if still needed"), cancellationToken);
            }

            version++;
            if (phaseChanged)
            {
                var phase = plan.Phases[to.PhaseIndex];
                await rollouts.RecordPhaseStartAsync(rollout.Id, to.PhaseIndex, phase.Name, phase.TrafficPercent, Minutes.Floor(rolloutNow), cancellationToken);
            }

            if (kind.NeedsExecutor())
            {
                await ledger.StateChangedAsync(decision, StatusText(plan, to), cancellationToken);
            }
        }

        ExecutorResult? executed = null;
        DateTimeOffset? acknowledgedAt = null;
        if (kind.NeedsExecutor())
        {
            var phase = plan.Phases[to.PhaseIndex];
            // With no deploy system there is nothing to wait for: the command keeps its connection.
            using (deploy.RecordsOnly ? null : ledger.WaitingForDeploySystem())
            {
                executed = await deploy.RunAsync(new DeployAction(kind.Key(), rollout.Id, plan.Release.Version, plan.Release.Commit, to.PhaseIndex, phase.Name, phase.TrafficPercent,
                    request.Actor.Name, request.Reason, wallNow) { DecisionId = decision.Id }, cancellationToken);
            }

            acknowledgedAt = executed is { Acknowledged: true, RecordedOnly: false } ? time.GetUtcNow() : null;
        }

        if (executed is { Acknowledged: false })
        {
            await ledger.FailedAsync(decision, request, StatusText(plan, from), StatusText(plan, to), deploy.Name, executed, wallNow, cancellationToken);
            return new CommandResult(CommandStatus.ExecutorFailed,
                $"{kind.Key()} recorded, but the deploy executor failed: {executed.Error}. The rollout is {to.Status.ToText()}; give the command again to retry, or carry it out with the runbook.", decision.Id)
            {
                Published = refresher.RefreshSoon(rollout.Id),
                RolloutStatus = to.Status,
                RolloutVersion = version,
            };
        }

        if (kind == RolloutCommand.RollBack)
        {
            var done = RolloutStateMachine.Apply(new RolloutState(RolloutStatus.RollingBack, to.PhaseIndex), RolloutCommand.RollbackCompleted, plan.Phases.Count, Actor(request.Actor), request.Reason);
            if (await rollouts.TryChangeStateAsync(rollout.Id, version, new RolloutStateChange(done.To.Status, done.To.PhaseIndex, rollout.PhaseStartedAt, time.GetUtcNow()), cancellationToken))
            {
                to = done.To;
                version++;
            }
        }

        await ledger.ExecutedAsync(decision, request, StatusText(plan, from), StatusText(plan, to), deploy.Name, executed, wallNow, acknowledgedAt, new DecisionUpdate(DecisionOutcome.Executed, null, null, null, null)
        {
            ApprovedPhase = kind == RolloutCommand.Approve ? rollout.PhaseIndex : null,
            ApprovedRole = kind == RolloutCommand.Approve ? check.ApprovalRole : null,
            ResumedAt = kind == RolloutCommand.Resume ? rolloutNow : null,
        }, cancellationToken);
        var lifted = kind == RolloutCommand.Advance && check.Retrying is null ? await LiftPaymentCapsAsync(request, rollout, decision.Id, plan, from, to, cancellationToken) : null;
        var recordedOnly = executed?.RecordedOnly == true;
        var message = recordedOnly
            ? $"{kind.Key()} recorded — carry out by runbook: no deploy system is configured, so nothing was sent. ShipRoom shows the rollout {to.Status.ToText().ToLowerInvariant()} at {plan.Phases[to.PhaseIndex].Name}."
            : $"{kind.Key()}: the rollout is {to.Status.ToText().ToLowerInvariant()} at {plan.Phases[to.PhaseIndex].Name}" + (check.Retrying is null ? "" : " (carried out again after the deploy system failed)");
        return new CommandResult(CommandStatus.Executed, message + (lifted is null ? "" : $"; {lifted}"), decision.Id)
        {
            RecordedOnly = recordedOnly,
            Published = refresher.RefreshSoon(rollout.Id),
            RolloutStatus = to.Status,
            RolloutVersion = version,
        };
    }

    /// <summary>
    /// "Keep caps through 25%, unlock at 50%": the advance that leaves the plan's <c>paymentCaps.through</c> phase asks
    /// the deploy system to lift the caps (action <c>lift-payment-caps</c>) and audits what it answered. The caps count
    /// as lifted (shown so, no longer enforced) only once a deploy system acknowledged it; until then the lift is pending.
    /// </summary>
    private async Task<string?> LiftPaymentCapsAsync(CommandRequest request, RolloutRecord rollout, long decisionId, RolloutPlan plan, RolloutState from, RolloutState to, CancellationToken cancellationToken)
    {
        if (plan.PaymentCaps?.Through is not { } through || plan.PhaseIndexOf(through) is not (>= 0 and var last) || from.PhaseIndex != last || to.PhaseIndex <= last)
        {
            return null;
        }

        var phase = plan.Phases[to.PhaseIndex];
        var reason = $"payment caps lifted on leaving {plan.Phases[last].Name}, as the plan says (caps through {through})";
        ExecutorResult executed;
        using (ledger.WaitingForDeploySystem())
        {
            executed = await deploy.RunAsync(new DeployAction(PaymentCapsLift.Action, rollout.Id, plan.Release.Version, plan.Release.Commit, to.PhaseIndex, phase.Name, phase.TrafficPercent,
                request.Actor.Name, reason, time.GetUtcNow()), cancellationToken);
        }

        return await ledger.PaymentCapsLiftedAsync(rollout.Id, decisionId, request.Actor.Name, reason, deploy.Name, executed, cancellationToken);
    }

    private static string StatusText(RolloutPlan plan, RolloutState state) => $"{state.Status} at {plan.Phases[state.PhaseIndex].Name}";

    private static RolloutActor Actor(CommandActor actor) => actor.IsAutomatic ? RolloutActor.Automatic : RolloutActor.Person(actor.Name);
}
