using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// Ticks, unticks and marks checklist items not applicable (only with a reason). Every change is kept, audited and
/// published, so two people ticking at once both see both ticks live.
/// </summary>
public sealed class ChecklistService(IChecklistRepository checklists, IRolloutRepository rollouts, IAuditLog audit, SnapshotRefresher refresher, CommandLedger ledger, TimeProvider time)
{
    public async Task<CommandResult> TickAsync(long rolloutId, string itemKey, string state, CommandActor actor, string? reason, CancellationToken cancellationToken)
    {
        if (!TickStates.All.Contains(state))
        {
            return new CommandResult(CommandStatus.Invalid, $"state must be one of {string.Join(", ", TickStates.All)}");
        }

        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.TickChecklist))
        {
            return new CommandResult(CommandStatus.Forbidden, "ticking checklist items needs a ship-room role (a Viewer changes nothing)");
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (state == TickStates.NotApplicable && reason is null)
        {
            return new CommandResult(CommandStatus.Invalid, "an item can be marked not applicable only with a reason");
        }

        if (reason is { Length: > RolloutCommandService.MaxReasonLength })
        {
            return new CommandResult(CommandStatus.Invalid, $"the reason is longer than {RolloutCommandService.MaxReasonLength} characters");
        }

        if (await rollouts.GetAsync(rolloutId, cancellationToken) is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"rollout {rolloutId} does not exist");
        }

        var item = (await checklists.ListAsync(rolloutId, cancellationToken)).FirstOrDefault(i => i.ItemKey == itemKey);
        if (item is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"rollout {rolloutId} has no checklist item '{itemKey}'");
        }

        var now = time.GetUtcNow();
        using (ledger.CarryingOut())
        {
            // Someone waits for the tick: the polls' writes go after it (WriteTurns), as after a rollback.
            await checklists.TickAsync(rolloutId, item.Id, state, actor.Name, reason, now, cancellationToken);
            await audit.AppendAsync(new AuditEntryDraft(now, actor.Name, "checklist.tick", rolloutId, $"{item.ListName}: {item.Title}", item.State ?? "open", state, reason), cancellationToken);
        }

        var snapshot = await refresher.RefreshAsync(rolloutId, cancellationToken);

        return new CommandResult(CommandStatus.Executed, $"{item.Title}: {state}", Snapshot: snapshot);
    }
}
