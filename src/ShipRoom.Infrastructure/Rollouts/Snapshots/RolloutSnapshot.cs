using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>
/// The read model of one rollout, built once per change and shared by every viewer, the hub and the API: panels read
/// it, they never query. Times are UTC; <see cref="Now"/> is the rollout's clock.
/// </summary>
public sealed record RolloutSnapshot(
    long Id,
    long Version,
    string Name,
    RolloutStatus Status,
    ReleaseSummary Release,
    int PhaseIndex,
    IReadOnlyList<PhaseSummary> Phases,
    DateTimeOffset? PhaseStartedAt,
    DateTimeOffset Now,
    double TimeFactor,
    PollStatus Poll,
    RolloutVerdict? Verdict,
    IReadOnlyList<PanelSnapshot> Panels,
    PaymentCapUsage? PaymentCaps,
    IReadOnlyList<TimelineEntry> Timeline,
    RollbackTiming Rollback,
    IReadOnlyList<ChecklistSnapshot> Checklists,
    IReadOnlyList<SummarySnapshot> Summaries,
    IReadOnlyList<RosterSnapshot> Roster,
    IReadOnlyList<ProbeStatus> Probes,
    string MetricSource,
    string? Scenario,
    DateTimeOffset BuiltAt)
{
    public PhaseSummary CurrentPhase => Phases[Math.Clamp(PhaseIndex, 0, Phases.Count - 1)];

    public bool IsLive => RolloutStateMachine.IsLive(Status);

    /// <summary>The latest #ship-room posts and whether each went out (sent, retrying, failed), newest first.</summary>
    public IReadOnlyList<PostSnapshot> Posts { get; init; } = [];
}

/// <summary>The release one-pager. The rollback command is a description from the plan, never a secret.</summary>
public sealed record ReleaseSummary(
    string Version,
    string Commit,
    bool DataMigrations,
    string RollbackRunbook,
    string RollbackCommand,
    string CanaryRoutingKey,
    IReadOnlyList<string> BlastRadius,
    DateTimeOffset? T0,
    string? Region,
    string? RegionRationale,
    string? Scope);

public sealed record PhaseSummary(int Index, string Name, double TrafficPercent, int ObserveMinutes, DateTimeOffset? StartedAt);

/// <summary>
/// When metrics were last read and when they will be next. <see cref="Stale"/> means no successful poll for longer than
/// expected: the dashboard then says stale instead of showing old values as current.
/// </summary>
public sealed record PollStatus(
    string Source,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? PolledUpTo,
    DateTimeOffset? NextPollAt,
    TimeSpan Interval,
    bool Stale,
    IReadOnlyList<string> Problems);

public sealed record PanelSnapshot(MetricPanel Panel, string Title, IReadOnlyList<MetricSnapshot> Metrics);

/// <summary>One metric, control beside canary: latest values, the delta, the gate that judges it, and its recent series.</summary>
public sealed record MetricSnapshot(
    string Key,
    string Name,
    string Unit,
    BetterDirection Better,
    double? Control,
    double? Canary,
    double? DeltaPercent,
    GateStatus? GateStatus,
    string? GateLimit,
    double? Threshold,
    IReadOnlyList<JourneyValue> Journeys,
    IReadOnlyList<SeriesPoint> ControlSeries,
    IReadOnlyList<SeriesPoint> CanarySeries);

public sealed record JourneyValue(string Journey, double? Control, double? Canary);

public sealed record SeriesPoint(DateTimeOffset Time, double Value);

public sealed record PaymentCapUsage(int Transactions, int MaxTransactions, decimal Dollars, decimal MaxDollars, decimal MaxPerTransaction, string Currency, bool Exceeded);

public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Actor, string Summary, string? Reason, string? Outcome);

/// <summary>Time to rollback: from the click or trigger to the executor's acknowledgement, against the plan's budget.</summary>
public sealed record RollbackTiming(TimeSpan Budget, DateTimeOffset? RequestedAt, DateTimeOffset? AcknowledgedAt, TimeSpan? Took, bool? WithinBudget, string? Error);

/// <summary>One checklist (T-2h, T-1h, T-10, T-0, post-success) with each item's state, who ticked it and when it is due.</summary>
public sealed record ChecklistSnapshot(string Name, bool AfterSuccess, IReadOnlyList<ChecklistItemSnapshot> Items)
{
    public int Done => Items.Count(i => i.IsClosed);
}

public sealed record ChecklistItemSnapshot(
    string Key,
    string Title,
    string OwnerRole,
    DateTimeOffset? Due,
    string? State,
    string? By,
    DateTimeOffset? At,
    string? Reason,
    bool Overdue)
{
    public bool IsClosed => State is Storage.TickStates.Done or Storage.TickStates.NotApplicable;
}

/// <summary>A phase summary as posted. <see cref="Markdown"/> is the author's text: render it sanitised, never as HTML.</summary>
public sealed record SummarySnapshot(long Id, string Phase, string Author, string Recommendation, string Markdown, DateTimeOffset PostedAt);

/// <summary>Who to page for one role; <see cref="Missing"/> says what is not filled in yet.</summary>
public sealed record RosterSnapshot(string Role, string Title, string? ShipRoomRole, Storage.RosterEntry? Entry)
{
    public string? Missing => Entry?.PrimaryName is null ? "no primary" : Entry.BackupName is null ? "no backup" : null;
}

/// <summary>A synthetic probe's latest run and its current run of failures.</summary>
public sealed record ProbeStatus(string Name, DateTimeOffset? LastRun, bool? Passed, string? Reason, int ConsecutiveFailures, int Runs);

/// <summary>A #ship-room post on one channel: what it was, and whether it went out. Never the payload or the address.</summary>
public sealed record PostSnapshot(string Kind, string Channel, string Title, string Status, int Attempts, string? LastError, DateTimeOffset QueuedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);
