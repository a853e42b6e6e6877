namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// A command someone (or ShipRoom) gave: hold, roll back, resume, advance, approve... <see cref="IdempotencyKey"/> makes a
/// repeated click or retried request land on the same decision instead of a second one.
/// </summary>
public sealed record DecisionRecord(
    long Id,
    long RolloutId,
    string Kind,
    string Actor,
    string? Reason,
    string IdempotencyKey,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ExecutedAt,
    DateTimeOffset? AcknowledgedAt,
    string Outcome,
    string? Error,
    string? FromStatus,
    string? ToStatus,
    string? Detail);

public sealed record DecisionDraft(long RolloutId, string Kind, string Actor, string? Reason, string IdempotencyKey, DateTimeOffset RequestedAt, string Outcome, string? FromStatus, string? ToStatus, string? Detail = null);

public sealed record DecisionOutcome(string Outcome, DateTimeOffset? ExecutedAt, DateTimeOffset? AcknowledgedAt, string? Error, string? Detail, string? ToStatus = null);

public interface IDecisionRepository
{
    /// <summary>Records the decision, or returns the one already recorded under the same idempotency key (Created = false).</summary>
    Task<(DecisionRecord Decision, bool Created)> RecordAsync(DecisionDraft draft, CancellationToken cancellationToken);

    Task UpdateOutcomeAsync(long id, DecisionOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Frees a refused decision's idempotency key so the same command can be given again once it makes sense.</summary>
    Task ReleaseIdempotencyKeyAsync(long id, CancellationToken cancellationToken);

    Task<DecisionRecord?> GetAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DecisionRecord>> ListAsync(long rolloutId, int limit, CancellationToken cancellationToken);
}
