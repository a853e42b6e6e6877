using Microsoft.Extensions.Logging;
using ShipRoom.Core;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Freezes;

/// <summary>What ShipRoom knows of freezes now: the windows open at <see cref="At"/>, and each rollout's status they were derived from.</summary>
public sealed record FreezeState(DateTimeOffset At, IReadOnlyList<FreezeRecord> Windows, IReadOnlyDictionary<long, RolloutStatus> Statuses)
{
    public static FreezeState Empty { get; } = new(DateTimeOffset.MinValue, [], new Dictionary<long, RolloutStatus>());

    public IReadOnlyList<FreezeRecord> ActiveAt(DateTimeOffset at) => Windows.Where(w => w.IsActiveAt(at)).ToList();
}

/// <summary>
/// The infra lock a live canary holds and the change freeze after GA, derived from the rollouts' own states and
/// stored (one of each per rollout): a rollout that goes live takes the lock (owner: who started it), a rollout that
/// completes or rolls back ends it at that moment, and one completed at 100% starts the plan's
/// <c>settings.changeFreeze</c>. The demo rollout ShipRoom runs by itself takes neither. Freezes a person declared
/// (<see cref="DeclaredFreezeService"/>, no rollout) are read from the same table. Starting another rollout inside any
/// window needs the executive approver's override with a reason, which is audited.
/// </summary>
public sealed class FreezeService(IRolloutRepository rollouts, IFreezeRepository freezes, IDecisionRepository decisions, IAuditLog audit, PlanCache plans, TimeProvider time, ILogger<FreezeService> logger)
{
    /// <summary>How far back finished rollouts are looked at (the longest freeze a plan may set is 14 days).</summary>
    private static readonly TimeSpan Lookback = TimeSpan.FromDays(15);

    /// <summary>The demo rollout's creator (<c>DemoRolloutKeeper</c>): a rehearsal on the simulator locks nothing.</summary>
    public const string DemoActor = "ShipRoom (demo)";

    /// <summary>Brings the stored windows in line with the rollouts' states, then answers what is open now.</summary>
    public async Task<FreezeState> SyncAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var all = await rollouts.ListAsync(cancellationToken);
        var windows = (await freezes.ListSinceAsync(now - Lookback, cancellationToken)).ToList();
        var changed = false;
        foreach (var rollout in all.Where(r => r.CreatedBy != DemoActor && r.Status is not (RolloutStatus.Draft or RolloutStatus.Scheduled)))
        {
            var live = RolloutStateMachine.IsLive(rollout.Status) || rollout.Status == RolloutStatus.RollingBack;
            if (!live && now - rollout.UpdatedAt > Lookback)
            {
                continue;
            }

            try
            {
                changed |= await SyncOneAsync(rollout, live, windows, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Recording the lock or freeze of rollout {RolloutId} failed", rollout.Id);
            }
        }

        if (changed)
        {
            windows = (await freezes.ListSinceAsync(now - Lookback, cancellationToken)).ToList();
        }

        return new FreezeState(now, windows, all.ToDictionary(r => r.Id, r => r.Status));
    }

    /// <summary>Records what the rollout's state calls for; true when it wrote (or another caller had just written) something.</summary>
    private async Task<bool> SyncOneAsync(RolloutRecord rollout, bool live, List<FreezeRecord> windows, CancellationToken cancellationToken)
    {
        var changed = false;
        var lockWindow = windows.FirstOrDefault(w => w.RolloutId == rollout.Id && w.Kind == FreezeKinds.InfraLock);
        var ended = rollout.UpdatedAt;
        if (lockWindow is null)
        {
            var (owner, startedAt) = await StarterAsync(rollout, cancellationToken);
            var reason = $"{rollout.Name} {rollout.VersionTag} is live in production: no infra or provider changes until it completes or rolls back";
            changed = true; // inserted here or by another caller meanwhile: read the windows again either way
            if (await freezes.AddAsync(rollout.Id, FreezeKinds.InfraLock, owner, reason, startedAt, live ? null : ended, cancellationToken))
            {
                await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), RolloutActor.AutomaticName, "freeze.lock.started", rollout.Id,
                    $"Infra lock from {startedAt:yyyy-MM-dd HH:mm} UTC, owner {owner}" + (live ? "" : $", ended {ended:yyyy-MM-dd HH:mm} UTC ({rollout.Status.ToText().ToLowerInvariant()})")), cancellationToken);
            }
        }
        else if (!live && lockWindow.EndsAt is null)
        {
            changed = true;
            if (await freezes.EndAsync(rollout.Id, FreezeKinds.InfraLock, ended, cancellationToken))
            {
                await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), RolloutActor.AutomaticName, "freeze.lock.ended", rollout.Id,
                    $"Infra lock ended {ended:yyyy-MM-dd HH:mm} UTC: the rollout {rollout.Status.ToText().ToLowerInvariant()}"), cancellationToken);
            }
        }

        if (rollout.Status == RolloutStatus.Completed && plans.Get(rollout).ChangeFreeze is { } length &&
            !windows.Any(w => w.RolloutId == rollout.Id && w.Kind == FreezeKinds.ChangeFreeze))
        {
            var owner = lockWindow?.Owner ?? (await StarterAsync(rollout, cancellationToken)).Owner;
            var reason = $"{NumberText.Duration(length)} non-critical change freeze after {rollout.Name} {rollout.VersionTag} reached 100% (the plan's settings.changeFreeze): critical fixes only";
            changed = true;
            if (await freezes.AddAsync(rollout.Id, FreezeKinds.ChangeFreeze, owner, reason, ended, ended + length, cancellationToken))
            {
                await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), RolloutActor.AutomaticName, "freeze.change.started", rollout.Id,
                    $"Change freeze {ended:yyyy-MM-dd HH:mm} – {ended + length:yyyy-MM-dd HH:mm} UTC, owner {owner}"), cancellationToken);
            }
        }

        return changed;
    }

    /// <summary>Who started the rollout and when (wall clock): its executed start decision, else whoever created it.</summary>
    private async Task<(string Owner, DateTimeOffset StartedAt)> StarterAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        var start = (await decisions.ListAsync(rollout.Id, 500, cancellationToken)).Where(d => d.Kind == RolloutCommand.Start && d.Outcome == DecisionOutcome.Executed)
            .OrderBy(d => d.RequestedAt).FirstOrDefault();
        return start is null ? (rollout.CreatedBy, rollout.CreatedAt) : (start.Actor, start.ExecutedAt ?? start.RequestedAt);
    }

    /// <summary>
    /// May <paramref name="actorName"/> start rollout <paramref name="rolloutId"/> now (null: a rollout not created yet,
    /// as <c>POST /api/rollouts</c> with <c>start: true</c>)? Null when no window is open (other than the rollout's own)
    /// or when the executive approver overrides with a reason (audited); otherwise why not.
    /// </summary>
    public async Task<string?> RefuseStartAsync(long? rolloutId, string actorName, IReadOnlyList<string> actorRoles, string? overrideReason, CancellationToken cancellationToken)
    {
        var state = await SyncAsync(cancellationToken);
        // A rollout's own lock does not stop it; a declared freeze (no rollout) stops every start, also of a rollout not created yet.
        var open = state.ActiveAt(state.At).Where(w => w.RolloutId is null || w.RolloutId != rolloutId).ToList();
        if (open.Count == 0)
        {
            return null;
        }

        var described = string.Join("; ", open.Select(Describe));
        var reason = overrideReason?.Trim() ?? "";
        if (reason.Length > 0 && actorRoles.Contains(Roles.ExecutiveApprover, StringComparer.Ordinal))
        {
            await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actorName, "freeze.overridden", rolloutId,
                $"Started inside {described} on the executive approver's override", Reason: reason[..Math.Min(reason.Length, 1000)]), cancellationToken);
            return null;
        }

        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actorName, "freeze.start-refused", rolloutId,
            $"Start refused: {described}" + (reason.Length > 0 ? "; the override needs the executive approver" : "")), cancellationToken);
        return $"deploys are frozen: {described}. Only the executive approver can start another rollout now, giving an override reason";
    }

    public static string Describe(FreezeRecord window) =>
        (window.RolloutId is { } rolloutId
            ? $"{FreezeKinds.Display(window.Kind).ToLowerInvariant()} of rollout {rolloutId} (owner {window.Owner}, "
            : $"deploy freeze {window.Id} declared by {window.Owner} ({window.Reason}; ") +
        $"since {window.StartsAt:yyyy-MM-dd HH:mm} UTC, " +
        (window.EndsAt is { } end ? $"until {end:yyyy-MM-dd HH:mm} UTC)" : "until it completes or rolls back)");
}
