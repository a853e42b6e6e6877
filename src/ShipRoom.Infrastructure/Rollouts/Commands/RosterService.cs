using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>Release engineering keeps the DRI roster: every change is authorised, audited and published.</summary>
public sealed class RosterService(IRosterRepository roster, IRolloutRepository rollouts, IAuditLog audit, SnapshotRefresher refresher, PlanCache plans, TimeProvider time)
{
    private const int MaxField = 200;

    public async Task<CommandResult> UpdateAsync(long rolloutId, RosterEntry entry, CommandActor actor, CancellationToken cancellationToken)
    {
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.EditRoster))
        {
            return new CommandResult(CommandStatus.Forbidden, "the roster is edited by release engineering (ReleaseEngineer or Admin)");
        }

        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"rollout {rolloutId} does not exist");
        }

        if (plans.Get(rollout).Roster.All(r => r.Key != entry.Role))
        {
            return new CommandResult(CommandStatus.Invalid, $"the plan's roster has no role '{entry.Role}'");
        }

        var fields = new[] { entry.PrimaryName, entry.PrimaryContact, entry.PrimaryChat, entry.PrimaryTimeZone, entry.BackupName, entry.BackupContact, entry.BackupChat, entry.BackupTimeZone };
        if (fields.Any(f => f is { Length: > MaxField }))
        {
            return new CommandResult(CommandStatus.Invalid, $"roster fields are at most {MaxField} characters");
        }

        foreach (var zone in new[] { entry.PrimaryTimeZone, entry.BackupTimeZone }.Where(z => !string.IsNullOrWhiteSpace(z)))
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone!, out _))
            {
                return new CommandResult(CommandStatus.Invalid, $"'{zone}' is not a time zone (write e.g. America/Los_Angeles or Europe/Berlin)");
            }
        }

        await roster.UpsertAsync(rolloutId, Trimmed(entry), cancellationToken);
        // Names only in the audit summary: contacts are personal data and stay in the roster itself.
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, "roster.updated", rolloutId, $"Roster {entry.Role}: primary {entry.PrimaryName ?? "—"}, backup {entry.BackupName ?? "—"}"), cancellationToken);
        var snapshot = await refresher.RefreshAsync(rolloutId, cancellationToken);

        return new CommandResult(CommandStatus.Executed, $"roster {entry.Role} updated", Snapshot: snapshot);
    }

    /// <summary>
    /// Fills the roles of <paramref name="rolloutId"/> that nobody has filled yet from the newest other rollout's roster,
    /// so a new rollout starts with the team that ran the last one; roles the new plan does not have are left out.
    /// </summary>
    public async Task<CommandResult> CopyLatestAsync(long rolloutId, CommandActor actor, CancellationToken cancellationToken)
    {
        if (!PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.EditRoster))
        {
            return new CommandResult(CommandStatus.Forbidden, "the roster is edited by release engineering (ReleaseEngineer or Admin)");
        }

        var rollout = await rollouts.GetAsync(rolloutId, cancellationToken);
        if (rollout is null)
        {
            return new CommandResult(CommandStatus.NotFound, $"rollout {rolloutId} does not exist");
        }

        if (await roster.LatestWithRosterAsync(rolloutId, cancellationToken) is not { } sourceId)
        {
            return new CommandResult(CommandStatus.Invalid, "no earlier rollout has a roster to copy");
        }

        var roles = plans.Get(rollout).Roster.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var filled = (await roster.ListAsync(rolloutId, cancellationToken)).Select(e => e.Role).ToHashSet(StringComparer.Ordinal);
        var copied = (await roster.ListAsync(sourceId, cancellationToken)).Where(e => roles.Contains(e.Role) && !filled.Contains(e.Role)).ToList();
        foreach (var entry in copied)
        {
            await roster.UpsertAsync(rolloutId, entry, cancellationToken);
        }

        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, "roster.copied", rolloutId, $"Roster: {copied.Count} role(s) copied from rollout {sourceId}"), cancellationToken);
        var snapshot = await refresher.RefreshAsync(rolloutId, cancellationToken);
        return new CommandResult(CommandStatus.Executed, $"{copied.Count} role(s) copied from rollout {sourceId}", Snapshot: snapshot);
    }

    private static RosterEntry Trimmed(RosterEntry e) => new(e.Role, Clean(e.PrimaryName), Clean(e.PrimaryContact), Clean(e.PrimaryChat), Clean(e.PrimaryTimeZone),
        Clean(e.BackupName), Clean(e.BackupContact), Clean(e.BackupChat), Clean(e.BackupTimeZone), e.EscalationOrder);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
