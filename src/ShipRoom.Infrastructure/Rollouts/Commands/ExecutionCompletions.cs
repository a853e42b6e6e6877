using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Commands;

public enum CompletionStatus
{
    Recorded,
    NotFound,
    NotExecuted,
    AlreadyRecorded,

    /// <summary>The very callback that recorded the completion, sent again (to this or another instance).</summary>
    Replay,
}

public sealed record CompletionResult(CompletionStatus Status, string Message, DateTimeOffset? CompletedAt = null);

/// <summary>
/// The deploy system's report that it finished what a decision asked (for a rollback: traffic restored). Recorded once,
/// audited, and shown as the time to rollback's completion. The time is when ShipRoom received the report, unless
/// the deploy system says when it finished and that time lies between the request and now. The callback's signature is
/// stored with the completion, so a replay is known as one on every instance (not only the one that heard it first).
/// </summary>
public sealed class ExecutionCompletions(IDecisionRepository decisions, IAuditLog audit, SnapshotRefresher refresher, TimeProvider time)
{
    public const int MaxDetailLength = 500;

    private static readonly CompletionResult Replayed = new(CompletionStatus.Replay, "this callback was already received (replay)");

    /// <param name="signature">The callback's signature (already checked): the same one twice is a replay.</param>
    public async Task<CompletionResult> RecordAsync(long rolloutId, long decisionId, DateTimeOffset? reportedAt, string? detail, string signature, CancellationToken cancellationToken)
    {
        signature = signature.ToLowerInvariant();
        var decision = await decisions.GetAsync(decisionId, cancellationToken);
        if (decision is null || decision.RolloutId != rolloutId)
        {
            return new CompletionResult(CompletionStatus.NotFound, $"rollout {rolloutId} has no decision {decisionId}");
        }

        if (decision.CompletionSignature == signature)
        {
            return Replayed;
        }

        if (!decision.Kind.NeedsExecutor() || decision.Outcome != DecisionOutcome.Executed || decision.AcknowledgedAt is null)
        {
            return new CompletionResult(CompletionStatus.NotExecuted, $"decision {decisionId} ({decision.Kind.Key()}, {decision.Outcome}) was not sent to and acknowledged by the deploy system");
        }

        var now = time.GetUtcNow();
        var completedAt = reportedAt is { } at && at >= decision.RequestedAt && at <= now ? at : now;
        var text = detail is null ? null : new string(detail.Trim().Where(c => !char.IsControl(c)).Take(MaxDetailLength).ToArray());
        if (!await decisions.SetCompletedAsync(decisionId, completedAt, text is { Length: > 0 } ? $"completed: {text}" : null, signature, cancellationToken))
        {
            // Another instance may have recorded this very callback a moment ago: then it is a replay, not a second report.
            return (await decisions.GetAsync(decisionId, cancellationToken))?.CompletionSignature == signature
                ? Replayed
                : new CompletionResult(CompletionStatus.AlreadyRecorded, $"the completion of decision {decisionId} is already recorded");
        }

        var took = completedAt - decision.RequestedAt;
        await audit.AppendAsync(new AuditEntryDraft(now, "deploy system", "rollout.execution-completed", rolloutId,
            $"The deploy system reported {decision.Kind.Key()} (decision {decisionId}) complete at {completedAt:HH:mm:ss} UTC, {took.TotalSeconds:0.0} s after it was asked for", Reason: text), cancellationToken);
        await refresher.RefreshAsync(rolloutId, cancellationToken);
        return new CompletionResult(CompletionStatus.Recorded, $"recorded: {decision.Kind.Key()} complete {took.TotalSeconds:0.0} s after the request", completedAt);
    }
}
