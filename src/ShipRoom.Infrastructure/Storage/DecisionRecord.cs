using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// A command someone (or ShipRoom) gave: hold, roll back, resume, advance, approve... <see cref="IdempotencyKey"/> makes a
/// repeated click or retried request land on the same decision instead of a second one.
/// </summary>
public sealed record DecisionRecord(
    long Id,
    long RolloutId,
    RolloutCommand Kind,
    string Actor,
    string? Reason,
    string IdempotencyKey,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ExecutedAt,
    DateTimeOffset? AcknowledgedAt,
    DecisionOutcome Outcome,
    string? Error,
    string? FromStatus,
    string? ToStatus,
    string? Detail)
{
    /// <summary>For an approval: the phase the sign-off lets the rollout leave, and the role it was given in.</summary>
    public int? ApprovedPhase { get; init; }

    public string? ApprovedRole { get; init; }

    /// <summary>For a resume: the time on the rollout's clock it took effect (trigger streaks count afresh from it).</summary>
    public DateTimeOffset? ResumedAt { get; init; }

    /// <summary>When the deploy system reported the action complete (traffic restored, for a rollback).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The signature of the completion callback that recorded <see cref="CompletedAt"/>: the same one again is a replay.</summary>
    public string? CompletionSignature { get; init; }

    /// <summary>For the advance that left the payment caps' last phase: when the deploy system acknowledged lifting them.</summary>
    public DateTimeOffset? PaymentCapsLiftedAt { get; init; }

    /// <summary>Done in ShipRoom but sent nowhere: no deploy system is configured (a real one acknowledges what it does).</summary>
    public bool RecordedOnly => Outcome == DecisionOutcome.Executed && Kind.NeedsExecutor() && AcknowledgedAt is null;
}

public sealed record DecisionDraft(long RolloutId, RolloutCommand Kind, string Actor, string? Reason, string IdempotencyKey, DateTimeOffset RequestedAt, DecisionOutcome Outcome, string? FromStatus, string? ToStatus, string? Detail = null);

/// <summary>How a decision ended; null fields keep what is stored.</summary>
public sealed record DecisionUpdate(DecisionOutcome Outcome, DateTimeOffset? ExecutedAt, DateTimeOffset? AcknowledgedAt, string? Error, string? Detail, string? ToStatus = null)
{
    public int? ApprovedPhase { get; init; }

    public string? ApprovedRole { get; init; }

    public DateTimeOffset? ResumedAt { get; init; }
}

public interface IDecisionRepository
{
    /// <summary>Records the decision, or returns the one already recorded under the same idempotency key (Created = false).</summary>
    Task<(DecisionRecord Decision, bool Created)> RecordAsync(DecisionDraft draft, CancellationToken cancellationToken);

    /// <summary>Decisions of every rollout still Pending that were requested before <paramref name="requestedBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<DecisionRecord>> ListPendingAsync(DateTimeOffset requestedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a Pending decision for recovery on this instance: true for exactly one caller, unless an earlier claim is
    /// older than <paramref name="staleBefore"/> (the instance that claimed it stopped too).
    /// </summary>
    Task<bool> TryClaimRecoveryAsync(long id, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    /// <summary>The deploy system reports the action done; the first report counts, and its signature is kept with it.</summary>
    Task<bool> SetCompletedAsync(long id, DateTimeOffset completedAt, string? detail, string? signature, CancellationToken cancellationToken);

    /// <summary>Marks the advance <paramref name="id"/> as the one whose payment caps lift the deploy system acknowledged (once).</summary>
    Task<bool> SetPaymentCapsLiftedAsync(long id, DateTimeOffset liftedAt, CancellationToken cancellationToken);

    Task UpdateOutcomeAsync(long id, DecisionUpdate update, CancellationToken cancellationToken);

    /// <summary>Frees a refused decision's idempotency key so the same command can be given again once it makes sense.</summary>
    Task ReleaseIdempotencyKeyAsync(long id, CancellationToken cancellationToken);

    Task<DecisionRecord?> GetAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DecisionRecord>> ListAsync(long rolloutId, int limit, CancellationToken cancellationToken);
}
