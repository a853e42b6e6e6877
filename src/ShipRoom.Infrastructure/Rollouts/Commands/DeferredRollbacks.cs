using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>A rollback carried out while the database was away, waiting to be recorded.</summary>
public sealed record DeferredRollback(long RolloutId, string Actor, string Reason, string IdempotencyKey, DateTimeOffset RequestedAt, DateTimeOffset? AcknowledgedAt, ExecutorResult Result, string Phase)
{
    /// <summary>
    /// The state it leaves the rollout in, shown while it waits and written when storage returns: rolled back once the
    /// deploy system acknowledged it (or, with none configured, once recorded), still rolling back when the call failed.
    /// </summary>
    public RolloutStatus Status => Result.Acknowledged ? RolloutStatus.RolledBack : RolloutStatus.RollingBack;
}

/// <summary>
/// Rollbacks that ran while storage was unavailable. Kept in memory and written — decision, state and audit entry —
/// as soon as the database answers again; nothing is dropped, and writing twice is prevented by the idempotency key.
/// </summary>
public sealed class DeferredRollbacks(UnsavedRollbacks unsaved, IRolloutRepository rollouts, IDecisionRepository decisions, IAuditLog audit, SnapshotRefresher refresher, StorageReachability reachability, ILogger<DeferredRollbacks> logger)
{
    /// <summary>Raised after a rollback is added or written (the dashboard's Degraded banner lists what waits).</summary>
    public event Action<long>? Changed
    {
        add => unsaved.Changed += value;
        remove => unsaved.Changed -= value;
    }

    public int Count => unsaved.Count;

    /// <summary>What waits to be written, oldest first.</summary>
    public IReadOnlyList<DeferredRollback> Pending => unsaved.Pending;

    public void Add(DeferredRollback rollback) => unsaved.Add(rollback);

    /// <summary>A rollback of this rollout already carried out while storage was away and not yet written.</summary>
    public DeferredRollback? Find(long rolloutId) => unsaved.Find(rolloutId);

    /// <summary>Writes what is pending; stops at the first storage failure and keeps the rest for the next attempt.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var written = 0;
        while (unsaved.TryPeek(out var rollback))
        {
            try
            {
                await WriteAsync(rollback, cancellationToken);
            }
            catch (Exception exception) when (IsStorageFailure(exception))
            {
                return written;
            }

            unsaved.RemoveWritten();
            written++;
            reachability.Reached();
        }

        return written;
    }

    private async Task WriteAsync(DeferredRollback rollback, CancellationToken cancellationToken)
    {
        var rollout = await rollouts.GetAsync(rollback.RolloutId, cancellationToken);
        var from = rollout?.Status.ToString();
        var outcome = rollback.Result.Acknowledged ? DecisionOutcome.Executed : DecisionOutcome.Failed;
        var (decision, created) = await decisions.RecordAsync(new DecisionDraft(rollback.RolloutId, RolloutCommand.RollBack, rollback.Actor, rollback.Reason, rollback.IdempotencyKey,
            rollback.RequestedAt, DecisionOutcome.Pending, from, null, "recorded after the database came back"), cancellationToken);
        if (!created)
        {
            // Written before (by another attempt): viewers get what storage says, not the overlay they had meanwhile.
            await refresher.RefreshAsync(rollback.RolloutId, cancellationToken);
            return;
        }

        var to = rollback.Status;
        if (rollout is not null && rollout.Status != to && !RolloutStateMachine.IsFinished(rollout.Status))
        {
            await rollouts.TryChangeStateAsync(rollout.Id, rollout.Version, new RolloutStateChange(to, rollout.PhaseIndex, rollout.PhaseStartedAt, rollback.AcknowledgedAt ?? rollback.RequestedAt), cancellationToken);
        }

        await decisions.UpdateOutcomeAsync(decision.Id, new DecisionUpdate(outcome, rollback.RequestedAt, rollback.AcknowledgedAt, rollback.Result.Error, rollback.Result.Detail, $"{to} at {rollback.Phase}"), cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(rollback.AcknowledgedAt ?? rollback.RequestedAt, rollback.Actor, "rollout.rollback", rollback.RolloutId,
            $"Rolled back while the database was unavailable; recorded when it returned. Executor: {rollback.Result.Detail}{rollback.Result.Error}", from, $"{to} at {rollback.Phase}", rollback.Reason), cancellationToken);
        logger.LogInformation("Recorded the rollback of rollout {RolloutId} made while storage was unavailable", rollback.RolloutId);
        await refresher.RefreshAsync(rollback.RolloutId, cancellationToken);
    }

    public static bool IsStorageFailure(Exception exception) => StorageFailures.IsStorageFailure(exception);
}

/// <summary>Tries every few seconds to write rollbacks made while the database was away (not a Quartz job: Quartz's own store may be down too).</summary>
public sealed class DeferredRollbackFlusher(DeferredRollbacks deferred) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (deferred.Count > 0)
            {
                await deferred.FlushAsync(stoppingToken);
            }
        }
    }
}
