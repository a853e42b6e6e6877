using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Signals;

/// <summary>What raising a signal did: stored (or found stored before), and the rollout as judged right after.</summary>
public sealed record SignalResult(CommandStatus Status, string Message, ExternalSignal? Signal = null, bool Created = false, RolloutSnapshot? Snapshot = null);

/// <summary>
/// Raises an external signal against a rollout: checks the role, stores it on the rollout's clock, audits it, and
/// judges the rollout at once, so a plan's "any P0 rolls back" acts now rather than at the next poll.
/// </summary>
public sealed class SignalService(ISignalRepository signals, IRolloutRepository rollouts, IAuditLog audit, RolloutPoller poller, TimeProvider time)
{
    public async Task<SignalResult> RaiseAsync(long rolloutId, SignalRequest request, CommandActor actor, CancellationToken cancellationToken)
    {
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.RaiseSignal))
        {
            return new SignalResult(CommandStatus.Forbidden, $"raising a signal needs one of the roles {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.RaiseSignal).Order(StringComparer.Ordinal))}");
        }

        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return new SignalResult(CommandStatus.NotFound, $"rollout {rolloutId} does not exist");
        }

        var wall = time.GetUtcNow();
        var (signal, created) = await signals.InsertAsync(rolloutId,
            new NewSignal(request.Kind, request.Source, request.Summary, request.Url, actor.Name, RolloutClock.Now(rollout, wall), wall, request.DedupKey), cancellationToken);
        if (!created)
        {
            return new SignalResult(CommandStatus.Duplicate, $"signal {signal.Kind} with key {request.DedupKey} was raised before (id {signal.Id}); nothing new stored", signal);
        }

        await audit.AppendAsync(new AuditEntryDraft(wall, actor.Name, "signal.raised", rolloutId, $"Signal {signal.Kind} raised via {signal.Source}: {signal.Summary}", After: request.Url), cancellationToken);
        // The signal is stored: acting on it must not stop because the caller (an incident tool) stopped waiting.
        using var actLimit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var snapshot = await poller.JudgeAndActAsync(rolloutId, actLimit.Token);
        var acted = snapshot?.Verdict?.Triggers.FirstOrDefault(t => t.State == TriggerState.Fired && t.Signals.Any(s => s.Id == signal.Id));
        var message = acted is not null
            ? $"signal {signal.Kind} stored; trigger {acted.Name} fired ({(acted.Action == Core.Plans.TriggerAction.Rollback ? "ROLL BACK" : "HOLD")}); rollout is {snapshot!.Status}"
            : $"signal {signal.Kind} stored; the plan names no trigger for it, or the rollout is not live (rollout is {snapshot?.Status.ToString() ?? rollout.Status.ToString()})";
        return new SignalResult(CommandStatus.Executed, message, signal, true, snapshot);
    }
}
