using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Reports;

/// <summary>
/// rollout.json in the audit archive: the rollout itself, and what a replay needs besides the samples, probe runs and
/// decisions: when each phase started, up to which minute the live run judged (<see cref="LastPolledTo"/>), how often
/// it polled, how its clock ran (<see cref="TimeFactor"/> times the wall clock from <see cref="ClockOrigin"/>, set
/// at <see cref="CreatedAt"/>) and its metric source with the simulator scenario and whether it advanced by itself.
/// </summary>
public sealed record RolloutArchiveManifest(
    int Format,
    long Id,
    string Name,
    string Version,
    string Commit,
    RolloutStatus Status,
    string Phase,
    string MetricSource,
    RolloutSourceSettings Source,
    double TimeFactor,
    DateTimeOffset? ClockOrigin,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastPolledTo,
    TimeSpan PollEvery,
    IReadOnlyList<ArchivedPhase> Phases)
{
    /// <summary>The archive layout this manifest describes; a replay refuses layouts it does not know.</summary>
    public const int CurrentFormat = 1;
}

/// <summary>A phase the rollout reached, on the rollout's clock.</summary>
public sealed record ArchivedPhase(int Index, string Name, double TrafficPercent, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);
