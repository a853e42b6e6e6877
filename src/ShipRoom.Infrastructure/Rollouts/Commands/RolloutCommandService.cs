using ShipRoom.Infrastructure.MetricSources.Selection;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// The one path every command takes, whoever gives it (a component, the API, the hub, a trigger): authorise on the
/// server, claim the idempotency key, check the rollout's version, move the state, run the deploy executor, record
/// the decision and the audit entry, publish the new snapshot.
/// </summary>
public sealed class RolloutCommandService(
    IRolloutRepository rollouts,
    IDecisionRepository decisions,
    IAuditLog audit,
    IDeployExecutor executor,
    IChecklistRepository checklists,
    SnapshotBuilder snapshots,
    SnapshotRefresher refresher,
    PlanCache plans,
    MetricSourceResolver sources,
    Telemetry.RolloutMetrics metrics,
    DeferredRollbacks deferred,
    TimeProvider time,
    ILogger<RolloutCommandService> logger)
{
    public const int MaxReasonLength = 1000;

    private static readonly RolloutCommand[] AutomaticKinds = [RolloutCommand.Hold, RolloutCommand.RollBack, RolloutCommand.Advance, RolloutCommand.Complete];

    public async Task<CommandResult> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Command, request.RolloutId)?.SetTag(Telemetry.RolloutTracing.CommandKindTag, request.Kind.Key());
        CommandResult result;
        try
        {
            result = await ExecuteCoreAsync(request, cancellationToken);
        }
        catch (Exception exception) when (DeferredRollbacks.IsStorageFailure(exception) && request.Kind == RolloutCommand.RollBack)
        {
            result = await RollBackWithoutStorageAsync(request, cancellationToken);
        }

        activity?.SetTag(Telemetry.RolloutTracing.OutcomeTag, result.Status.ToString());
        metrics.Commands.Add(1, new KeyValuePair<string, object?>("kind", request.Kind.Key()),
            new KeyValuePair<string, object?>("result", result.Status.ToString()));
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

        var requestedAt = time.GetUtcNow();
        if (!IsAllowed(request.Actor, kind))
        {
            await audit.AppendAsync(new AuditEntryDraft(requestedAt, request.Actor.Name, "command.forbidden", request.RolloutId, $"Refused {kind.Key()}: role not allowed", Reason: reason), cancellationToken);
            var allowed = string.Join(", ", PermissionMatrix.RolesFor(kind.Action()).Order(StringComparer.Ordinal));
            return new CommandResult(CommandStatus.Forbidden, $"{kind.Key()} needs one of these roles: {allowed}");
        }

        var rollout = await rollouts.GetAsync(request.RolloutId, cancellationToken);
        if (rollout is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"rollout {request.RolloutId} does not exist");
        }

        var key = request.IdempotencyKey is { Length: > 0 and <= 200 } given ? given : $"{kind.Key()}:{rollout.Id}:v{request.ExpectedVersion ?? rollout.Version}";
        var (decision, created) = await decisions.RecordAsync(
            new DecisionDraft(rollout.Id, kind, request.Actor.Name, reason, key, requestedAt, DecisionOutcome.Pending, rollout.Status.ToString(), null), cancellationToken);
        if (!created)
        {
            return new CommandResult(CommandStatus.Duplicate, $"already requested by {decision.Actor} at {decision.RequestedAt:HH:mm:ss} UTC ({decision.Outcome}): nothing was done twice", decision.Id);
        }

        var plan = plans.Get(rollout);
        var (refusal, approvalRole) = await CheckAsync(request, kind, rollout, plan, cancellationToken);
        if (refusal is not null)
        {
            await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Refused, null, null, refusal.Message, null), cancellationToken);
            await decisions.ReleaseIdempotencyKeyAsync(decision.Id, cancellationToken);
            return refusal with { DecisionId = decision.Id };
        }

        return await CarryOutAsync(request, kind, reason, rollout, plan, decision, approvalRole, cancellationToken);
    }

    /// <summary>
    /// The database is away: the rollback still runs (roles are checked from the caller, the release from the last
    /// snapshot this instance built), and the decision and audit entry are written when storage returns.
    /// </summary>
    private async Task<CommandResult> RollBackWithoutStorageAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (!IsAllowed(request.Actor, RolloutCommand.RollBack) || string.IsNullOrWhiteSpace(request.Reason))
        {
            return new CommandResult(CommandStatus.Forbidden, "roll back needs one of these roles: ExecutiveApprover, IncidentCommander, ReleaseEngineer, and a reason");
        }

        var requestedAt = time.GetUtcNow();
        var last = snapshots.LastBuilt(request.RolloutId);
        if (last is not null && RolloutStateMachine.IsFinished(last.Status))
        {
            return new CommandResult(CommandStatus.Invalid, $"the rollout was already {last.Status} when storage went away");
        }

        var phase = last?.CurrentPhase;
        var action = new DeployAction(RolloutCommand.RollBack.Key(), request.RolloutId, last?.Release.Version ?? "unknown", last?.Release.Commit ?? "", phase?.Index ?? 0, phase?.Name ?? "unknown",
            phase?.TrafficPercent ?? 0, request.Actor.Name, request.Reason.Trim(), requestedAt);
        var executed = await RunExecutorAsync(action, cancellationToken);
        var key = request.IdempotencyKey ?? $"rollback:{request.RolloutId}:v{request.ExpectedVersion ?? last?.Version ?? 0}:offline";
        deferred.Add(new DeferredRollback(request.RolloutId, request.Actor.Name, request.Reason.Trim(), key, requestedAt, executed.Acknowledged ? time.GetUtcNow() : null, executed, phase?.Name ?? "unknown"));
        logger.LogWarning("Storage unavailable: rollout {RolloutId} rolled back through {Executor}; the decision is kept until storage returns", request.RolloutId, executor.Name);
        return executed.Acknowledged
            ? new CommandResult(CommandStatus.Executed, $"rolled back ({executed.Detail}); the database is unavailable, so the decision and audit entry will be written as soon as it returns")
            : new CommandResult(CommandStatus.ExecutorFailed, $"the deploy executor failed: {executed.Error}; the database is unavailable too — carry the rollback out with the runbook");
    }

    private static bool IsAllowed(CommandActor actor, RolloutCommand kind) =>
        actor.IsAutomatic ? AutomaticKinds.Contains(kind) : PermissionMatrix.IsAllowed(actor.Roles, kind.Action());

    private async Task<(CommandResult? Refusal, string? ApprovalRole)> CheckAsync(CommandRequest request, RolloutCommand kind, RolloutRecord rollout, RolloutPlan plan, CancellationToken cancellationToken)
    {
        if (request.ExpectedVersion is { } expected && expected != rollout.Version)
        {
            var last = (await decisions.ListAsync(rollout.Id, 5, cancellationToken)).FirstOrDefault(d => d.Outcome == DecisionOutcome.Executed);
            var who = last is null ? "" : $" ({DecisionText.Describe(last)} by {last.Actor} at {last.RequestedAt:HH:mm:ss} UTC)";
            return (new CommandResult(CommandStatus.Conflict, $"the rollout changed while you were deciding: it is now {rollout.Status}{who}. Nothing was done; look again and retry if still needed."), null);
        }

        if (kind == RolloutCommand.Approve)
        {
            // The plan's approval rule, or a MARGINAL canary judgement, decides whether this step needs a sign-off and whose.
            var advance = rollout.Status == RolloutStatus.Running ? (await snapshots.BuildAsync(rollout, cancellationToken)).Verdict?.Advance : null;
            if (advance is not { ApprovalRequired: true, ApprovalRole: { } role })
            {
                return (new CommandResult(CommandStatus.Invalid, $"there is no step waiting for approval (the rollout is {rollout.Status} at {plan.Phases[rollout.PhaseIndex].Name})"), null);
            }

            if (!request.Actor.Roles.Contains(role, StringComparer.Ordinal))
            {
                return (new CommandResult(CommandStatus.Forbidden, $"this step needs the {Roles.DisplayName(role).ToLowerInvariant()}'s sign-off"), null);
            }

            return (null, role);
        }

        if (kind is RolloutCommand.Advance or RolloutCommand.Complete)
        {
            var snapshot = await snapshots.BuildAsync(rollout, cancellationToken);
            if (snapshot.Verdict is not { Advance.MayAdvance: true })
            {
                var missing = snapshot.Verdict?.Advance.Missing ?? ["no metrics judged yet"];
                return (new CommandResult(CommandStatus.Invalid, $"cannot {kind.Key()} yet: {string.Join("; ", missing)}"), null);
            }
        }

        if (kind == RolloutCommand.Start && sources.WhyNotReady(rollout.MetricSource, plan) is { } notReady)
        {
            return (new CommandResult(CommandStatus.Invalid, $"cannot start: {notReady}"), null);
        }

        if (kind == RolloutCommand.Start && !request.Actor.IsAutomatic)
        {
            // The pre-flight (everything due by T-1h) must be complete; only the executive may start with items open.
            var open = (await checklists.ListAsync(rollout.Id, cancellationToken))
                .Where(i => i.DueOffsetMinutes <= -60 && i.State is not (TickStates.Done or TickStates.NotApplicable)).ToList();
            if (open.Count > 0 && !request.Actor.Roles.Contains(Roles.ExecutiveApprover, StringComparer.Ordinal))
            {
                return (new CommandResult(CommandStatus.Invalid,
                    $"the T-1h pre-flight is not complete ({open.Count} open: {string.Join("; ", open.Take(3).Select(i => i.Title))}); only the executive approver can start with items open, giving a reason"), null);
            }
        }

        if (kind == RolloutCommand.RollBack && rollout.Status == RolloutStatus.RollingBack && await LastRollbackFailedAsync(rollout.Id, cancellationToken))
        {
            return (null, null);
        }

        var transition = RolloutStateMachine.Apply(new RolloutState(rollout.Status, rollout.PhaseIndex), kind, plan.Phases.Count, Actor(request.Actor), request.Reason);
        return (transition.Allowed ? null : new CommandResult(CommandStatus.Invalid, $"cannot {kind.Key()}: {transition.Refusal}"), null);
    }

    private async Task<CommandResult> CarryOutAsync(CommandRequest request, RolloutCommand kind, string reason, RolloutRecord rollout, RolloutPlan plan, DecisionRecord decision, string? approvalRole,
        CancellationToken cancellationToken)
    {
        var wallNow = time.GetUtcNow();
        var rolloutNow = RolloutClock.Now(rollout, wallNow);
        var from = new RolloutState(rollout.Status, rollout.PhaseIndex);
        var to = from;
        var version = rollout.Version;
        var retryingRollback = kind == RolloutCommand.RollBack && rollout.Status == RolloutStatus.RollingBack;
        if (kind.ChangesState() && !retryingRollback)
        {
            to = RolloutStateMachine.Apply(from, kind, plan.Phases.Count, Actor(request.Actor), reason).To;
            var phaseChanged = to.PhaseIndex != from.PhaseIndex || kind == RolloutCommand.Start;
            var change = new RolloutStateChange(to.Status, to.PhaseIndex, phaseChanged ? Core.Evaluation.Minutes.Floor(rolloutNow) : rollout.PhaseStartedAt, wallNow);
            if (!await rollouts.TryChangeStateAsync(rollout.Id, version, change, cancellationToken))
            {
                await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Refused, null, null, "someone else changed the rollout first", null), cancellationToken);
                await decisions.ReleaseIdempotencyKeyAsync(decision.Id, cancellationToken);
                return new CommandResult(CommandStatus.Conflict, "someone else changed the rollout at the same moment: nothing was done; look again and retry if still needed", decision.Id);
            }

            version++;
            if (phaseChanged)
            {
                var phase = plan.Phases[to.PhaseIndex];
                await rollouts.RecordPhaseStartAsync(rollout.Id, to.PhaseIndex, phase.Name, phase.TrafficPercent, Core.Evaluation.Minutes.Floor(rolloutNow), cancellationToken);
            }
        }

        ExecutorResult? executed = null;
        if (kind.NeedsExecutor())
        {
            var phase = plan.Phases[to.PhaseIndex];
            var action = new DeployAction(kind.Key(), rollout.Id, plan.Release.Version, plan.Release.Commit, to.PhaseIndex, phase.Name, phase.TrafficPercent, request.Actor.Name, reason, wallNow);
            executed = await RunExecutorAsync(action, cancellationToken);
        }

        var acknowledgedAt = time.GetUtcNow();
        if (executed is { Acknowledged: false })
        {
            await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Failed, wallNow, null, executed.Error, Truncate(executed.Detail), $"{to.Status} at {plan.Phases[to.PhaseIndex].Name}"), cancellationToken);
            await audit.AppendAsync(new AuditEntryDraft(acknowledgedAt, request.Actor.Name, $"rollout.{kind.Key()}.failed", rollout.Id, $"{kind.Key()} recorded, but the deploy executor ({executor.Name}) failed: {executed.Error}",
                from.Status.ToString(), to.Status.ToString(), reason), cancellationToken);
            await PublishAsync(rollout.Id, cancellationToken);
            return new CommandResult(CommandStatus.ExecutorFailed, $"{kind.Key()} recorded, but the deploy executor failed: {executed.Error}. The rollout is {to.Status}; retry or carry it out with the runbook.", decision.Id);
        }

        if (kind == RolloutCommand.RollBack)
        {
            var done = RolloutStateMachine.Apply(new RolloutState(RolloutStatus.RollingBack, to.PhaseIndex), RolloutCommand.RollbackCompleted, plan.Phases.Count, Actor(request.Actor), reason);
            if (await rollouts.TryChangeStateAsync(rollout.Id, version, new RolloutStateChange(done.To.Status, done.To.PhaseIndex, rollout.PhaseStartedAt, acknowledgedAt), cancellationToken))
            {
                to = done.To;
            }
        }

        var toStatus = $"{to.Status} at {plan.Phases[to.PhaseIndex].Name}";
        await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Executed, wallNow, executed is null ? null : acknowledgedAt, null, Truncate(executed?.Detail), toStatus)
        {
            ApprovedPhase = kind == RolloutCommand.Approve ? rollout.PhaseIndex : null,
            ApprovedRole = approvalRole,
            ResumedAt = kind == RolloutCommand.Resume ? rolloutNow : null,
        }, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(acknowledgedAt, request.Actor.Name, $"rollout.{kind.Key()}", rollout.Id,
            DecisionText.Describe(decision with { ToStatus = toStatus, Outcome = DecisionOutcome.Executed }) + (executed is null ? "" : $"; executor {executor.Name}: {executed.Detail}"),
            $"{from.Status} at {plan.Phases[from.PhaseIndex].Name}", $"{to.Status} at {plan.Phases[to.PhaseIndex].Name}", reason), cancellationToken);
        logger.LogInformation("Rollout {RolloutId}: {Kind} by {Actor} ({From} → {To})", rollout.Id, kind, request.Actor.IsAutomatic ? request.Actor.Name : "a user", from.Status, to.Status);
        var snapshot = await PublishAsync(rollout.Id, cancellationToken);
        return new CommandResult(CommandStatus.Executed, $"{kind.Key()}: the rollout is {to.Status} at {plan.Phases[to.PhaseIndex].Name}", decision.Id, snapshot);
    }

    private async Task<ExecutorResult> RunExecutorAsync(DeployAction action, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Deploy, action.RolloutId);
        try
        {
            return await executor.ExecuteAsync(action, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Deploy executor {Executor} threw for {Action} on rollout {RolloutId}", executor.Name, action.Action, action.RolloutId);
            return ExecutorResult.Failed($"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private async Task<bool> LastRollbackFailedAsync(long rolloutId, CancellationToken cancellationToken) =>
        (await decisions.ListAsync(rolloutId, 20, cancellationToken)).FirstOrDefault(d => d.Kind == RolloutCommand.RollBack && d.Outcome != DecisionOutcome.Pending) is { Outcome: DecisionOutcome.Failed };

    private async Task<RolloutSnapshot?> PublishAsync(long rolloutId, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Publish, rolloutId);
        return await refresher.RefreshAsync(rolloutId, cancellationToken);
    }

    private static RolloutActor Actor(CommandActor actor) => actor.IsAutomatic ? RolloutActor.Automatic : RolloutActor.Person(actor.Name);

    private static string? Truncate(string? text) => text is { Length: > 2000 } ? text[..2000] : text;
}
