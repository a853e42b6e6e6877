namespace ShipRoom.Infrastructure.Storage;

public interface IRolloutRepository
{
    Task<long> CreateAsync(NewRollout rollout, CancellationToken cancellationToken);

    Task<RolloutRecord?> GetAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<RolloutRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Running, held and stabilising rollouts, newest first: what the poller looks at every tick (finished ones pile up).</summary>
    Task<IReadOnlyList<RolloutRecord>> ListLiveAsync(CancellationToken cancellationToken);

    /// <summary>Applies the change only if the stored version is still <paramref name="expectedVersion"/>; false when someone else changed it first.</summary>
    Task<bool> TryChangeStateAsync(long id, long expectedVersion, RolloutStateChange change, CancellationToken cancellationToken);

    /// <summary>Records that a phase started (and ends the one before it), in rollout time.</summary>
    Task RecordPhaseStartAsync(long id, int phaseIndex, string name, double trafficPercent, DateTimeOffset startedAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<PhaseRecord>> ListPhasesAsync(long id, CancellationToken cancellationToken);
}

public sealed record PhaseRecord(int PhaseIndex, string Name, double TrafficPercent, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);
