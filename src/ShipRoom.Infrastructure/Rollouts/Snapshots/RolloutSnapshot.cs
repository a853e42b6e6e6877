using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;

namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>
/// The read model of one rollout, built once per change and shared by every viewer, the hub and the API: panels read
/// it, they never query. Times are UTC; <see cref="Now"/> is the rollout's clock.
/// </summary>
public sealed record RolloutSnapshot
{
    public required long Id { get; init; }

    /// <summary>The rollout's version: it changes with every command, so a command given on an older one is a conflict.</summary>
    public required long Version { get; init; }

    public required string Name { get; init; }

    public required RolloutStatus Status { get; init; }

    /// <summary>The release one-pager, as the plan states it. The rollback command is a description, never a secret.</summary>
    public required ReleaseInfo Release { get; init; }

    public required int PhaseIndex { get; init; }

    public required IReadOnlyList<PhaseSnapshot> Phases { get; init; }

    public DateTimeOffset? PhaseStartedAt { get; init; }

    /// <summary>The rollout's clock (faster than the wall clock in the demo).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>When the rollout was created (wall clock): the directive's "within 30 minutes" counts from it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    public double TimeFactor { get; init; } = 1;

    public required PollStatus Poll { get; init; }

    /// <summary>The engine's verdict; null before the rollout has started.</summary>
    public RolloutVerdict? Verdict { get; init; }

    public IReadOnlyList<PanelSnapshot> Panels { get; init; } = [];

    public PaymentCapUsage? PaymentCaps { get; init; }

    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    public required RollbackTiming Rollback { get; init; }

    public IReadOnlyList<ChecklistSnapshot> Checklists { get; init; } = [];

    public IReadOnlyList<SummarySnapshot> Summaries { get; init; } = [];

    public IReadOnlyList<RosterSnapshot> Roster { get; init; } = [];

    public IReadOnlyList<ProbeStatus> Probes { get; init; } = [];

    public required string MetricSource { get; init; }

    /// <summary>The simulator's scenario; null on a real metric source.</summary>
    public string? Scenario { get; init; }

    /// <summary>Wall-clock time the snapshot was built: of two snapshots of one version, the later one is current.</summary>
    public required DateTimeOffset BuiltAt { get; init; }

    public PhaseSnapshot CurrentPhase => Phases[Math.Clamp(PhaseIndex, 0, Phases.Count - 1)];

    public bool IsLive => RolloutStateMachine.IsLive(Status);

    /// <summary>No deploy system is configured on this instance: Hold and Roll back are recorded, and carried out by runbook.</summary>
    public bool ActionsRecordedOnly { get; init; }

    /// <summary>The latest #ship-room posts and whether each went out (sent, retrying, failed), newest first.</summary>
    public IReadOnlyList<PostSnapshot> Posts { get; init; } = [];

    /// <summary>What the paging tool last reported of each page ShipRoom sent (acknowledged by whom, resolved …), oldest first.</summary>
    public IReadOnlyList<PageStatusSnapshot> Paging { get; init; } = [];

    /// <summary>The postmortem a rollback or failed gate called for, once drafted; its due time shows until it is published.</summary>
    public PostmortemSnapshot? Postmortem { get; init; }

    /// <summary>After the stable time at 100%: the post-success steps the plan pre-approves and what became of each; null before completion or without <c>postSuccess:</c>.</summary>
    public PostSuccessSnapshot? PostSuccess { get; init; }

    /// <summary>
    /// A rollback made on this instance while the database was away, shown in <see cref="Status"/> already but not
    /// written yet (its decision and audit entry are written when the database returns); null otherwise.
    /// </summary>
    public UnsavedRollback? Unsaved { get; init; }
}

/// <summary>
/// Post-success as the dashboard shows it: each step (deploy action, freeze, win note, cohort review) with its outcome
/// as recorded (pending until an instance ran it), the win note draft, and when the cohort review falls due.
/// </summary>
public sealed record PostSuccessSnapshot(IReadOnlyList<PostSuccessStepSnapshot> Steps, PostmortemSnapshot? WinNote, DateTimeOffset? CohortReviewDueAt, string? CohortReviewTitle);

/// <summary>One post-success step: what, its outcome (pending, sending, acknowledged, failed, recorded-only, done), the detail in words and when.</summary>
public sealed record PostSuccessStepSnapshot(string Step, string Title, string Outcome, string? Detail, int Attempts, DateTimeOffset? DoneAt);

/// <summary>A rollback carried out while storage was away and waiting to be written: who, when, what the deploy system said.</summary>
public sealed record UnsavedRollback(string Actor, DateTimeOffset RequestedAt, bool Acknowledged, bool RecordedOnly, string? Error);

/// <summary>One phase of the plan as the dashboard shows it (not the PMs' phase summaries: <see cref="SummarySnapshot"/>).</summary>
public sealed record PhaseSnapshot(int Index, string Name, double TrafficPercent, int ObserveMinutes, DateTimeOffset? StartedAt);

/// <summary>
/// When metrics were last read and when they will be next. <see cref="Stale"/> means no successful poll for longer than
/// expected when the snapshot was built; where it is shown, staleness is computed from the viewer's clock with
/// <see cref="IsStale"/>, so an instance whose polls stopped (and whose snapshot is therefore never rebuilt) says so.
/// </summary>
public sealed record PollStatus(
    string Source,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? PolledUpTo,
    DateTimeOffset? NextPollAt,
    TimeSpan Interval,
    bool Stale,
    IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Wall-clock time from which the data is stale unless a poll succeeds first: the last successful poll plus twice
    /// the interval and a grace. Null for a rollout that is not live (nothing is polled, nothing goes stale).
    /// </summary>
    public DateTimeOffset? StaleAt { get; init; }

    /// <summary>Stale at <paramref name="wallNow"/>; a snapshot without <see cref="StaleAt"/> keeps what it was built with.</summary>
    public bool IsStale(DateTimeOffset wallNow) => StaleAt is { } at ? wallNow > at : Stale;
}

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

/// <summary>One minute of a chart: a value, not an object (a snapshot holds up to 240 per series, two series per metric).</summary>
public readonly record struct SeriesPoint(DateTimeOffset Time, double Value);

public sealed record PaymentCapUsage(int Transactions, int MaxTransactions, decimal Dollars, decimal MaxDollars, decimal MaxPerTransaction, string Currency, bool Exceeded)
{
    /// <summary>The largest single canary transaction since the rollout began; null when the plan does not measure it.</summary>
    public decimal? LargestTransaction { get; init; }

    /// <summary>What a breach does (HOLD / ROLL BACK); null: shown, not enforced.</summary>
    public string? OnBreach { get; init; }

    /// <summary>The last phase the caps hold in; null: the whole rollout.</summary>
    public string? Through { get; init; }

    /// <summary>The rollout is past <see cref="Through"/> and a deploy system acknowledged lifting the caps.</summary>
    public bool Lifted { get; init; }

    /// <summary>The rollout is past <see cref="Through"/> but no deploy system has acknowledged the lift yet: the caps still hold.</summary>
    public bool LiftPending { get; init; }
}

public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Actor, string Summary, string? Reason, string? Outcome);

/// <summary>Time to rollback: from the click or trigger to the executor's acknowledgement, against the plan's budget.</summary>
public sealed record RollbackTiming(TimeSpan Budget, DateTimeOffset? RequestedAt, DateTimeOffset? AcknowledgedAt, TimeSpan? Took, bool? WithinBudget, string? Error)
{
    /// <summary>When the deploy system reported traffic restored, and how long that took from the first request.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public TimeSpan? ToCompletion => CompletedAt - RequestedAt;

    /// <summary>Rolled back in ShipRoom only: no deploy system is configured, so nothing was sent and nothing measured.</summary>
    public bool RecordedOnly { get; init; }
}

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
public sealed record SummarySnapshot(long Id, string Phase, string Author, string Recommendation, string Markdown, DateTimeOffset PostedAt)
{
    /// <summary>The rollout's overall status when the summary was posted (GREEN, YELLOW, RED, NO DATA).</summary>
    public string? OverallWhenPosted { get; init; }

    /// <summary>The KPIs attached at posting time, in words.</summary>
    public IReadOnlyList<SummaryKpi> Kpis { get; init; } = [];
}

/// <summary>Who to page for one role; <see cref="Missing"/> says what is not filled in yet.</summary>
public sealed record RosterSnapshot(string Role, string Title, string? ShipRoomRole, Storage.RosterEntry? Entry)
{
    /// <summary>The page causes the plan names this role's person on (roster <c>page:</c>: red, hold, rollback, margin).</summary>
    public IReadOnlyList<string> PageOn { get; init; } = [];

    public string? Missing => Entry?.PrimaryName is null ? "no primary" : Entry.BackupName is null ? "no backup" : null;
}

/// <summary>A synthetic probe's latest run and its current run of failures.</summary>
public sealed record ProbeStatus(string Name, DateTimeOffset? LastRun, bool? Passed, string? Reason, int ConsecutiveFailures, int Runs);

/// <summary>A #ship-room post on one channel: what it was, and whether it went out. Never the payload or the address.</summary>
public sealed record PostSnapshot(string Kind, string Channel, string Title, string Status, int Attempts, string? LastError, DateTimeOffset QueuedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);

/// <summary>A page's latest state as the paging tool reported it: <see cref="State"/> is the event's verb (acknowledged, resolved …).</summary>
public sealed record PageStatusSnapshot(string Cause, string DedupKey, string State, string? By, DateTimeOffset At, string? IncidentUrl);

/// <summary>A rollout's postmortem as the dashboard shows it: why, when it is due, who last edited it, whether published.</summary>
public sealed record PostmortemSnapshot(string Cause, DateTimeOffset DraftedAt, DateTimeOffset DueAt, string UpdatedBy, DateTimeOffset UpdatedAt, string? PublishedBy, DateTimeOffset? PublishedAt)
{
    public bool IsPublished => PublishedAt is not null;
}
