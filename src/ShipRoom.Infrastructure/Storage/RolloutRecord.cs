using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>
/// A stored rollout. <see cref="Version"/> increases with every state change (optimistic concurrency).
/// <see cref="TimeFactor"/> above 1 runs the rollout's clock faster than the wall clock from <see cref="ClockOrigin"/>
/// (the demo); production rollouts use 1.
/// </summary>
public sealed record RolloutRecord(
    long Id,
    string Name,
    string VersionTag,
    string CommitSha,
    string PlanYaml,
    string PlanHash,
    RolloutStatus Status,
    int PhaseIndex,
    DateTimeOffset? PhaseStartedAt,
    DateTimeOffset? T0,
    string MetricSource,
    string SourceSettings,
    double TimeFactor,
    DateTimeOffset? ClockOrigin,
    DateTimeOffset? LastPolledTo,
    long Version,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record NewRollout(
    string Name,
    string VersionTag,
    string CommitSha,
    string PlanYaml,
    string PlanHash,
    RolloutStatus Status,
    DateTimeOffset? T0,
    string MetricSource,
    string SourceSettings,
    double TimeFactor,
    DateTimeOffset? ClockOrigin,
    string CreatedBy,
    DateTimeOffset CreatedAt);

/// <summary>The state a command moves a rollout to.</summary>
public sealed record RolloutStateChange(RolloutStatus Status, int PhaseIndex, DateTimeOffset? PhaseStartedAt, DateTimeOffset UpdatedAt);
