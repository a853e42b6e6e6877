using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// The record of every command: its decision (claimed under an idempotency key, then refused, failed or executed) and
/// an audit entry for every outcome — forbidden, refused, conflicting, duplicate, failed and executed alike.
/// </summary>
public sealed class CommandLedger(IDecisionRepository decisions, IAuditLog audit, IDbConnectionFactory connections, Telemetry.RolloutMetrics metrics, TimeProvider time, ILogger<CommandLedger> logger)
{
    /// <summary>
    /// Someone waits for this command's answer: until the scope ends, the polls' writes wait (on SQLite, which has one
    /// writer), so the command's own writes do not queue behind them (<see cref="WriteTurns"/>).
    /// </summary>
    public IDisposable CarryingOut() => connections.Writes.Command();

    /// <summary>
    /// Inside <see cref="CarryingOut"/>: the command waits for the deploy system (seconds, with retries), so the polls may
    /// write meanwhile, and the command's shared connection goes back to the pool instead of being held through the wait.
    /// </summary>
    public IDisposable WaitingForDeploySystem()
    {
        var suspended = SharedConnectionScope.Suspend();
        return new Waiting(suspended, connections.Writes.Aside());
    }

    private sealed class Waiting(IDisposable suspended, IDisposable aside) : IDisposable
    {
        // The reverse of the setup: counted as a command again, then back in the scope.
        public void Dispose()
        {
            aside.Dispose();
            suspended.Dispose();
        }
    }

    /// <summary>How long a duplicate waits for the first request to settle, so it can say what really became of it.</summary>
    public static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan SettleStep = TimeSpan.FromMilliseconds(50);

    public Task<(DecisionRecord Decision, bool Created)> ClaimAsync(RolloutRecord rollout, CommandRequest request, string key, string reason, DateTimeOffset requestedAt, CancellationToken cancellationToken) =>
        decisions.RecordAsync(new DecisionDraft(rollout.Id, request.Kind, request.Actor.Name, reason, key, requestedAt, DecisionOutcome.Pending, rollout.Status.ToString(), null), cancellationToken);

    public Task<DecisionRecord?> GetAsync(long decisionId, CancellationToken cancellationToken) => decisions.GetAsync(decisionId, cancellationToken);

    /// <summary>A decision taken outside a command's claim (a rollout started on its creation), recorded as it is.</summary>
    public Task<(DecisionRecord Decision, bool Created)> RecordAsync(DecisionDraft draft, CancellationToken cancellationToken) => decisions.RecordAsync(draft, cancellationToken);

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(long rolloutId, int limit, CancellationToken cancellationToken) => decisions.ListAsync(rolloutId, limit, cancellationToken);

    public async Task ForbiddenAsync(CommandRequest request, string reason, CancellationToken cancellationToken) =>
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), request.Actor.Name, "command.forbidden", request.RolloutId, $"Refused {request.Kind.Key()}: role not allowed", Reason: reason), cancellationToken);

    /// <summary>Not done: the decision says why, its key is free again (the same command may be given once it makes sense), and the audit keeps it.</summary>
    public async Task<CommandResult> RefuseAsync(DecisionRecord decision, CommandRequest request, CommandResult refusal, CancellationToken cancellationToken)
    {
        await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Refused, null, null, refusal.Message, null), cancellationToken);
        await decisions.ReleaseIdempotencyKeyAsync(decision.Id, cancellationToken);
        var kind = refusal.Status == CommandStatus.Conflict ? "conflict" : "refused";
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), request.Actor.Name, $"rollout.{request.Kind.Key()}.{kind}", decision.RolloutId, $"Refused {request.Kind.Key()}: {refusal.Message}",
            decision.FromStatus, decision.FromStatus, decision.Reason), cancellationToken);
        return refusal with { DecisionId = decision.Id };
    }

    /// <summary>
    /// The same command was already given (same idempotency key). Waits briefly for it to settle and answers with what
    /// really became of it; a first request that was refused in the meantime released the key, so this one is given afresh.
    /// </summary>
    public async Task<(CommandResult? Answer, bool TryAgain)> DuplicateAsync(DecisionRecord first, CommandRequest request, bool mayTryAgain, CancellationToken cancellationToken)
    {
        // Real waiting, counted in steps: the first request settles in wall time whatever clock the rollout runs on.
        var current = first;
        // Up to 3 s of waiting: the command's shared connection goes back to the pool meanwhile.
        using (SharedConnectionScope.Suspend())
        {
            for (var step = 0; current.Outcome == DecisionOutcome.Pending && step < SettleWait / SettleStep; step++)
            {
                await Task.Delay(SettleStep, cancellationToken);
                current = await decisions.GetAsync(first.Id, cancellationToken) ?? current;
            }
        }

        if (current.Outcome == DecisionOutcome.Refused && mayTryAgain)
        {
            return (null, true);
        }

        var (status, message) = current.Outcome switch
        {
            DecisionOutcome.Refused => (CommandStatus.Conflict, $"the same request by {current.Actor} was refused a moment ago ({current.Error}); look again and retry if still needed"),
            DecisionOutcome.Executed => (CommandStatus.Duplicate, $"already done: {DecisionText.Describe(current)} by {current.Actor} at {current.RequestedAt:HH:mm:ss} UTC; nothing was done twice"),
            DecisionOutcome.Failed => (CommandStatus.ExecutorFailed, $"the same request by {current.Actor} at {current.RequestedAt:HH:mm:ss} UTC failed in the deploy system ({current.Error}); give the command again to retry it"),
            _ => (CommandStatus.Duplicate, $"the same request by {current.Actor} at {current.RequestedAt:HH:mm:ss} UTC is still being carried out; nothing was done twice — its outcome shows on the timeline"),
        };
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), request.Actor.Name, $"rollout.{request.Kind.Key()}.{(status == CommandStatus.Conflict ? "conflict" : "duplicate")}", first.RolloutId,
            $"Repeated {request.Kind.Key()} landed on decision {first.Id} ({current.Outcome})", Reason: request.Reason), cancellationToken);
        return (new CommandResult(status, message, first.Id), false);
    }

    /// <summary>ShipRoom's state moved; the deploy call follows. A decision left like this by a crash is finished by recovery.</summary>
    public Task StateChangedAsync(DecisionRecord decision, string toStatus, CancellationToken cancellationToken) =>
        decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Pending, null, null, null, null, toStatus), cancellationToken);

    public async Task FailedAsync(DecisionRecord decision, CommandRequest request, string from, string to, string executorName, ExecutorResult executed, DateTimeOffset executedAt, CancellationToken cancellationToken)
    {
        await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(DecisionOutcome.Failed, executedAt, null, executed.Error, Truncate(executed.Detail), to), cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), request.Actor.Name, $"rollout.{request.Kind.Key()}.failed", decision.RolloutId,
            $"{request.Kind.Key()} recorded, but the deploy executor ({executorName}) failed: {executed.Error}", from, to, request.Reason), cancellationToken);
    }

    /// <summary>Done. <paramref name="acknowledgedAt"/> is when a deploy system acknowledged it; null when none was asked or none is configured.</summary>
    public async Task ExecutedAsync(DecisionRecord decision, CommandRequest request, string from, string to, string executorName, ExecutorResult? executed, DateTimeOffset executedAt,
        DateTimeOffset? acknowledgedAt, DecisionUpdate inputs, CancellationToken cancellationToken)
    {
        await decisions.UpdateOutcomeAsync(decision.Id, inputs with
        {
            Outcome = DecisionOutcome.Executed, ExecutedAt = executedAt, AcknowledgedAt = acknowledgedAt, Error = null, Detail = Truncate(executed?.Detail), ToStatus = to,
        }, cancellationToken);
        var done = decision with { ToStatus = to, Outcome = DecisionOutcome.Executed };
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), request.Actor.Name, $"rollout.{request.Kind.Key()}", decision.RolloutId,
            DecisionText.Describe(done) + (executed is null ? "" : executed.RecordedOnly ? "; recorded only: no deploy system is configured" : $"; executor {executorName}: {executed.Detail}"),
            from, to, request.Reason), cancellationToken);
        logger.LogInformation("Rollout {RolloutId}: {Kind} by {Actor} ({From} → {To})", decision.RolloutId, request.Kind.Key(), request.Actor.IsAutomatic ? request.Actor.Name : "a user", from, to);
    }

    /// <summary>
    /// Audits the caps being lifted and says in words what the deploy system did with it. Only an acknowledgement from
    /// a deploy system marks the advance <paramref name="decisionId"/> as having lifted them: until then the lift is pending.
    /// </summary>
    public async Task<string> PaymentCapsLiftedAsync(long rolloutId, long decisionId, string actor, string reason, string executorName, ExecutorResult executed, CancellationToken cancellationToken)
    {
        if (executed is { Acknowledged: true, RecordedOnly: false })
        {
            await decisions.SetPaymentCapsLiftedAsync(decisionId, time.GetUtcNow(), cancellationToken);
        }

        var outcome = executed.RecordedOnly ? "payment caps lift pending: no deploy system is configured, lift them by runbook"
            : executed.Acknowledged ? $"payment caps lifted: executor {executorName} acknowledged ({executed.Detail})"
            : $"payment caps NOT lifted: executor {executorName} failed ({executed.Error}); lift them by runbook";
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor, executed.Acknowledged ? PaymentCapsLift.AuditKind : PaymentCapsLift.AuditKind + ".failed", rolloutId,
            Truncate(outcome) ?? outcome, Reason: reason), cancellationToken);
        return outcome;
    }

    public void Count(RolloutCommand kind, CommandStatus status) =>
        metrics.Commands.Add(1, new KeyValuePair<string, object?>("kind", kind.Key()), new KeyValuePair<string, object?>("result", status.ToString()));

    private static string? Truncate(string? text) => text is { Length: > 2000 } ? text[..2000] : text;
}
