using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Rollouts.Replay;

/// <summary>
/// A command as the record holds it, on the rollout's clock. <see cref="ResumedAt"/> is when a resume took effect
/// (trigger streaks count afresh from it).
/// </summary>
public sealed record RecordedCommand(DateTimeOffset At, RolloutCommand Command, string Actor, string Reason, DateTimeOffset? ResumedAt = null);

/// <summary>
/// Everything a finished (or stopped) rollout was judged from, as its audit archive holds it: the plan, every stored
/// sample and probe run, when the first phase started and up to which minute the live run judged, whether the rollout
/// advanced by itself, and its decisions: those people took (inputs to the replay: holds, resumes, advances,
/// rollbacks and sign-offs) and those ShipRoom took by itself (what the replay is compared with). Times are the
/// rollout's clock.
/// </summary>
public sealed record RolloutRecording(
    RolloutPlan Plan,
    IReadOnlyList<MetricSample> Samples,
    IReadOnlyList<ProbeRun> ProbeRuns,
    DateTimeOffset StartedAt,
    DateTimeOffset JudgedUntil,
    bool AutoAdvance,
    IReadOnlyList<RecordedCommand> CommandsByPeople,
    IReadOnlyList<ApprovalGiven> Approvals,
    IReadOnlyList<RecordedCommand> AutomaticCommands);
