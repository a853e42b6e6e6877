using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>
/// The database is away: a rollback still runs (roles are checked from the caller, the release from the last snapshot
/// this instance built), and its decision and audit entry are written when storage returns. A second rollback of the
/// same rollout while storage is still away does not call the deploy system again: it says the first one stands.
/// </summary>
public sealed class OfflineRollback(DeployRunner deploy, DeferredRollbacks deferred, LastKnownSnapshots lastKnown, Storage.StorageReachability reachability, TimeProvider time, ILogger<OfflineRollback> logger)
{
    public async Task<CommandResult> RollBackAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (!PermissionAllows(request) || string.IsNullOrWhiteSpace(request.Reason))
        {
            // Refused before anything else: a caller who may not roll back does not get to raise the banner either.
            return new CommandResult(CommandStatus.Forbidden, "roll back needs one of these roles: ExecutiveApprover, IncidentCommander, ReleaseEngineer, and a reason");
        }

        reachability.Lost("the database does not answer");
        if (deferred.Find(request.RolloutId) is { } earlier)
        {
            return new CommandResult(CommandStatus.Duplicate,
                $"already rolled back by {earlier.Actor} at {earlier.RequestedAt:HH:mm:ss} UTC while the database was unavailable ({(earlier.Result.Acknowledged ? "acknowledged" : $"failed: {earlier.Result.Error}")}); it is recorded as soon as the database returns");
        }

        // Kept at storage's precision: what the IC is shown in the outage is what storage holds once it returns.
        var requestedAt = Storage.UnixTime.AsStored(time.GetUtcNow());
        var last = lastKnown.Get(request.RolloutId);
        if (last is not null && RolloutStateMachine.IsFinished(last.Status))
        {
            return new CommandResult(CommandStatus.Invalid, $"the rollout was already {last.Status} when storage went away");
        }

        var phase = last?.CurrentPhase;
        var action = new DeployAction(RolloutCommand.RollBack.Key(), request.RolloutId, last?.Release.Version ?? "unknown", last?.Release.Commit ?? "", phase?.Index ?? 0, phase?.Name ?? "unknown",
            phase?.TrafficPercent ?? 0, request.Actor.Name, request.Reason.Trim(), requestedAt);
        var executed = await deploy.RunAsync(action, cancellationToken);
        var key = request.IdempotencyKey ?? $"rollback:{request.RolloutId}:v{request.ExpectedVersion ?? last?.Version ?? 0}:offline";
        var acknowledgedAt = executed is { Acknowledged: true, RecordedOnly: false } ? Storage.UnixTime.AsStored(time.GetUtcNow()) : (DateTimeOffset?)null;
        deferred.Add(new DeferredRollback(request.RolloutId, request.Actor.Name, request.Reason.Trim(), key, requestedAt, acknowledgedAt, executed, phase?.Name ?? "unknown"));
        logger.LogWarning("Storage unavailable: rollout {RolloutId} rolled back through {Executor}; the decision is kept until storage returns", request.RolloutId, deploy.Name);
        return !executed.Acknowledged
            ? new CommandResult(CommandStatus.ExecutorFailed, $"the deploy executor failed: {executed.Error}; the database is unavailable too — carry the rollback out with the runbook")
            : executed.RecordedOnly
                ? new CommandResult(CommandStatus.Executed, "rollback recorded — carry it out by runbook (no deploy system is configured); the database is unavailable, so the decision is written as soon as it returns") { RecordedOnly = true }
                : new CommandResult(CommandStatus.Executed, $"rolled back ({executed.Detail}); the database is unavailable, so the decision and audit entry will be written as soon as it returns");
    }

    private static bool PermissionAllows(CommandRequest request) =>
        request.Actor.IsAutomatic || Core.Security.PermissionMatrix.IsAllowed(request.Actor.Roles, RolloutCommand.RollBack.Action());
}
