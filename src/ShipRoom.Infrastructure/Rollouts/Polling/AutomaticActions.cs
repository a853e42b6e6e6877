using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Polling;

/// <summary>
/// After a rollout is judged: keeps the gate and trigger history, carries out the automatic command the judge calls
/// for (the replay of an archive asks the same judge) through the command service, and publishes. One snapshot is
/// built and published per change: by the command when there is one, here when there is not.
/// </summary>
public sealed class AutomaticActions(
    IJudgementHistoryRepository history,
    RolloutCommandService commands,
    SnapshotBuilder snapshots,
    IRolloutPublisher publisher,
    ILogger<AutomaticActions> logger)
{
    public async Task<RolloutSnapshot> ActAsync(RolloutAssessment assessment, CancellationToken cancellationToken) =>
        (await TryActAsync(assessment, beforeCommand: null, cancellationToken)).Snapshot;

    /// <summary>
    /// As <see cref="ActAsync"/>, and whether the command the judge called for met another change of the rollout at the
    /// same moment (a poll on another instance acting on the same trigger): the snapshot is then the judge's stale view,
    /// and the caller should look again. <paramref name="beforeCommand"/> is called just before a command is carried out
    /// (the poller leaves its judging turn there: the command may wait seconds for the deploy system). A poll's
    /// <paramref name="commandsFirst"/> (its judgement's) gives way to commands once more before the snapshot is built.
    /// </summary>
    public async Task<(RolloutSnapshot Snapshot, bool Raced)> TryActAsync(RolloutAssessment assessment, Action? beforeCommand, CancellationToken cancellationToken,
        WriteTurns.BackgroundTurn? commandsFirst = null)
    {
        var rollout = assessment.Rollout;
        using (Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Judge, rollout.Id))
        {
            await RecordHistoryAsync(assessment, cancellationToken);
        }

        using (Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Act, rollout.Id))
        {
            if (assessment.Verdict is { } verdict &&
                RolloutJudge.Decide(assessment.Plan, verdict, new RolloutState(rollout.Status, rollout.PhaseIndex), RolloutSourceSettings.FromJson(rollout.SourceSettings).AutoAdvance) is { } decision)
            {
                beforeCommand?.Invoke();
                CommandResult result;
                using (SharedConnectionScope.Suspend())
                {
                    // The command waits for the deploy system (seconds, with retries): it holds no connection of the poll's.
                    result = await commands.ExecuteAsync(new CommandRequest(rollout.Id, decision.Command, CommandActor.Automatic, decision.Reason,
                        IdempotencyKey: decision.IdempotencyKey(rollout.Id, rollout.PhaseIndex)) { Assessment = assessment }, cancellationToken);
                }

                if (await result.Published is { } published)
                {
                    return (published, false);
                }

                if (result.Status is CommandStatus.Conflict or CommandStatus.Duplicate)
                {
                    return (await snapshots.BuildAsync(assessment, cancellationToken), true);
                }
            }
        }

        using (Telemetry.RolloutTracing.Start(Telemetry.RolloutTracing.Publish, rollout.Id))
        {
            if (commandsFirst is not null)
            {
                await commandsFirst.YieldToCommandsAsync(cancellationToken);
            }

            var snapshot = await snapshots.BuildAsync(assessment, cancellationToken);
            await publisher.PublishAsync(snapshot, cancellationToken);
            return (snapshot, false);
        }
    }

    /// <summary>Keeps every change of a gate's status or a trigger's state for the scorecard and the audit archive.</summary>
    private async Task RecordHistoryAsync(RolloutAssessment assessment, CancellationToken cancellationToken)
    {
        if (assessment.Verdict is not { } verdict)
        {
            return;
        }

        try
        {
            var gates = verdict.Gates.Select(g => new GateResultRecord(verdict.EvaluatedAt, verdict.PhaseIndex, g.Key, g.StatusText, g.Canary, g.Control, g.Reason)).ToList();
            var triggers = verdict.Triggers.Select(t => new TriggerResultRecord(verdict.EvaluatedAt, verdict.PhaseIndex, t.Key, t.State.ToString(), (int)t.HeldFor.TotalSeconds, t.Reason)).ToList();
            await history.RecordChangesAsync(assessment.Rollout.Id, gates, triggers, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // History is for the record; judging and acting must go on without it.
            logger.LogError(exception, "Recording gate and trigger history for rollout {RolloutId} failed", assessment.Rollout.Id);
        }
    }
}
