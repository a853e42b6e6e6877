namespace ShipRoom.Infrastructure.Storage;

public enum PollRunStatus
{
    Running,
    Succeeded,
    PartiallyFailed,
    Failed,
}

/// <summary>One poll of a rollout's metrics: the minutes it covered and what went wrong, per metric.</summary>
public sealed record PollRunRecord(long Id, long RolloutId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset RangeFrom, DateTimeOffset RangeTo, PollRunStatus Status, int Samples, string? Problems);

public interface IPollRunRepository
{
    /// <summary>Claims the range for one poll; throws <see cref="DuplicateKeyException"/> when another instance claimed it first.</summary>
    Task<long> StartAsync(long rolloutId, DateTimeOffset startedAt, DateTimeOffset rangeFrom, DateTimeOffset rangeTo, CancellationToken cancellationToken);

    Task FinishAsync(long id, DateTimeOffset finishedAt, PollRunStatus status, int samples, string? problems, CancellationToken cancellationToken);

    Task<IReadOnlyList<PollRunRecord>> ListRecentAsync(long rolloutId, int limit, CancellationToken cancellationToken);

    /// <summary>Closes runs still Running that started before <paramref name="startedBefore"/> as Failed (abandoned); returns how many.</summary>
    Task<int> CloseAbandonedAsync(DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken);
}
