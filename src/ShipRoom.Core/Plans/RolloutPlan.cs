using ShipRoom.Core.Conditions;

namespace ShipRoom.Core.Plans;

/// <summary>
/// A rollout as its plan file describes it: the release, the metrics and how to read them, the phases, the gates and
/// triggers that judge them, approvals, caps, roster and checklists. Every number comes from the plan; the engine
/// hard-codes none of a directive's values.
/// </summary>
public sealed record RolloutPlan(
    ReleaseInfo Release,
    IReadOnlyList<MetricDefinition> Metrics,
    IReadOnlyList<PhaseDefinition> Phases,
    IReadOnlyList<GateDefinition> Gates,
    IReadOnlyList<TriggerDefinition> Triggers,
    IReadOnlyList<ApprovalRule> Approvals,
    PaymentCaps? PaymentCaps,
    NoDataPolicy NoData,
    TimeSpan Stabilisation,
    TimeSpan RollbackBudget,
    TimeSpan? PollEvery,
    JudgementSettings Judgement,
    IReadOnlyList<RosterRole> Roster,
    IReadOnlyList<ChecklistDefinition> Checklists,
    IReadOnlyList<ProbeDefinition> Probes)
{
    /// <summary>The service level objectives the plan declares (<c>slos:</c>); burn-rate and breach triggers refer to them.</summary>
    public IReadOnlyList<SloDefinition> Slos { get; init; } = [];

    /// <summary>Which external signals hold or roll back (<c>signals:</c>); each is also one of <see cref="Triggers"/>.</summary>
    public IReadOnlyList<SignalRule> Signals { get; init; } = [];

    /// <summary>
    /// <c>settings.changeFreeze</c>: how long non-critical changes are frozen after the rollout completes at 100%
    /// ("24-hour non-critical change freeze post-GA"); none when the plan does not say.
    /// </summary>
    public TimeSpan? ChangeFreeze { get; init; }

    /// <summary>The executive's scheduled status posts (settings.executiveUpdates); none when the plan does not ask.</summary>
    public IReadOnlyList<ExecutiveUpdate> ExecutiveUpdates { get; init; } = [];

    public MetricDefinition? FindMetric(string key) => Metrics.FirstOrDefault(m => m.Key == key);

    public SloDefinition? FindSlo(string key) => Slos.FirstOrDefault(s => s.Key == key);

    public int PhaseIndexOf(string name) => Phases.ToList().FindIndex(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The gates that judge phase <paramref name="phaseIndex"/>.</summary>
    public IReadOnlyList<GateDefinition> GatesFor(int phaseIndex) =>
        Gates.Where(g => g.Phases.Count == 0 || g.Phases.Any(p => string.Equals(p, Phases[phaseIndex].Name, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>The approval rule for leaving phase <paramref name="phaseIndex"/> for the next one, if any.</summary>
    public ApprovalRule? ApprovalToLeave(int phaseIndex) =>
        Approvals.FirstOrDefault(a => string.Equals(a.FromPhase, Phases[phaseIndex].Name, StringComparison.OrdinalIgnoreCase));
}

public sealed record ReleaseInfo(
    string Name,
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

public enum MetricPanel
{
    Latency,
    Errors,
    Payments,
    Cache,
    Database,
    Infrastructure,
    UnitEconomics,
    Funnels,
}

/// <summary>One metric of the catalogue. <see cref="Queries"/> holds each metric source's query text (e.g. "prometheus").</summary>
public sealed record MetricDefinition(
    string Key,
    string Name,
    string Unit,
    MetricPanel Panel,
    BetterDirection Better,
    IReadOnlyList<string> Journeys,
    bool Critical,
    IReadOnlyDictionary<string, string> Queries)
{
    /// <summary>How far the canary may sit from the control before the judgement calls it worse; null: the plan's default.</summary>
    public JudgementTolerance? Tolerance { get; init; }

    /// <summary>Per metric source, an explicit query for the overall series (<c>overallQueries:</c>); without one the overall series reads <see cref="Queries"/> with the journey matcher dropped.</summary>
    public IReadOnlyDictionary<string, string> OverallQueries { get; init; } = new Dictionary<string, string>();

    /// <summary>The query template a source reads the series with: the overall query for the overall series when the plan gives one.</summary>
    public string? QueryFor(string source, string? journey) =>
        journey is null && OverallQueries.TryGetValue(source, out var overall) ? overall : Queries.GetValueOrDefault(source);

    /// <summary>"P95 latency" or "P95 latency (checkout)".</summary>
    public string Describe(string? journey) => journey is null ? Name : $"{Name} ({journey})";
}

/// <summary>
/// A judgement tolerance: <see cref="Relative"/> is a share of the control's value (0.05 = 5%); otherwise
/// <see cref="Amount"/> is in the metric's own unit (percentage points for a percentage).
/// </summary>
public sealed record JudgementTolerance(decimal Amount, bool Relative, string Text);

public sealed record PhaseDefinition(string Name, double TrafficPercent, TimeSpan Observe, TimeSpan ReportEvery)
{
    /// <summary>Real traffic, synthetic probes only, or a soak under generated load (see <see cref="PhaseKinds"/>).</summary>
    public PhaseKind Kind { get; init; } = PhaseKind.Traffic;

    /// <summary>The generated load of a soak phase; null for any other.</summary>
    public SoakLoad? Soak { get; init; }
}

/// <summary>Which series a gate or trigger reads: the overall one, one journey, or the overall and every journey (worst counts).</summary>
public sealed record SeriesSelector(string MetricKey, JourneyScope Scope, string? Journey)
{
    public static SeriesSelector Overall(string metricKey) => new(metricKey, JourneyScope.Overall, null);
}

public enum JourneyScope
{
    /// <summary>Only the overall series (<c>journey: overall</c>).</summary>
    Overall,

    /// <summary>One named journey (<c>journey: checkout</c>).</summary>
    One,

    /// <summary>The overall series and each journey the metric names: the default, and <c>journey: any</c>.</summary>
    All,
}

public sealed record GateDefinition(string Key, string Name, SeriesSelector Series, Condition Pass, YellowBand? Yellow, IReadOnlyList<string> Phases);

public enum TriggerAction
{
    Hold,
    Rollback,
}

/// <summary>
/// An automatic hold or rollback: <see cref="Fires"/> must hold on every minute for <see cref="For"/> and, where
/// <see cref="Checks"/> is set, at that many consecutive checks; or (a probe trigger) N consecutive probe failures.
/// </summary>
public sealed record TriggerDefinition(
    string Key,
    string Name,
    SeriesSelector? Series,
    Condition? Fires,
    TimeSpan? For,
    int? Checks,
    int? ProbeFailures,
    TriggerAction Action)
{
    /// <summary>A combined, counted, SLO, signal or cap condition (<see cref="Series"/> and <see cref="Fires"/> are then null).</summary>
    public TriggerCondition? When { get; init; }

    /// <summary>Cumulative rather than consecutive: fires once the minutes in breach since the phase began add up to more than this many.</summary>
    public int? CumulativeMoreThan { get; init; }

    /// <summary>The last phase the trigger watches (payment caps "through 25%"); null: every phase.</summary>
    public string? ActiveThrough { get; init; }
}

/// <summary>Leaving <see cref="FromPhase"/> needs <see cref="Role"/>'s sign-off unless every auto-approve condition held over the window.</summary>
public sealed record ApprovalRule(string FromPhase, string Role, bool AutoApproveRequiresAllGatesGreen, IReadOnlyList<AutoApproveCondition> AutoApproveWhen);

public sealed record AutoApproveCondition(SeriesSelector Series, Condition Condition);

public sealed record PaymentCaps(int MaxTransactions, decimal MaxPerTransaction, decimal MaxTotal, string Currency, string? TransactionsMetric, string? DollarsMetric)
{
    /// <summary>The per-minute largest single transaction on the canary, in the cap's currency.</summary>
    public string? LargestTransactionMetric { get; init; }

    /// <summary>The last phase the caps hold in ("keep caps through 25%"); null: the whole rollout.</summary>
    public string? Through { get; init; }

    /// <summary>What a breach does; null: the caps are shown, not enforced.</summary>
    public TriggerAction? OnBreach { get; init; }
}

/// <summary>What NO DATA does: it always blocks advancing; after <see cref="HoldAfter"/> of it, the recommendation is to hold.</summary>
public sealed record NoDataPolicy(bool BlocksAdvance, TimeSpan? HoldAfter);

public sealed record JudgementGroup(string Name, double Weight, IReadOnlyList<string> Metrics);

public sealed record JudgementSettings(IReadOnlyList<JudgementGroup> Groups, double PassScore, double MarginalScore, double ConfidenceLevel, double Tolerance);

public sealed record RosterRole(string Key, string Title, string? ShipRoomRole)
{
    /// <summary>What a role may ask to be paged for ("page me on any RED or >3% margin deviation").</summary>
    public static readonly IReadOnlyList<string> PageCauses = ["red", "hold", "rollback", "margin"];

    /// <summary>The page causes this role's person is named on (roster <c>page:</c>); none unless the plan says.</summary>
    public IReadOnlyList<string> PageOn { get; init; } = [];
}

public sealed record ChecklistDefinition(string Name, IReadOnlyList<ChecklistItemDefinition> Items);

/// <summary>An item due at <see cref="DueOffset"/> from T-0 (negative before it); post-success items count from reaching 100%.</summary>
public sealed record ChecklistItemDefinition(string Key, string Title, string OwnerRole, TimeSpan DueOffset, bool AfterSuccess);

public sealed record ProbeDefinition(string Name, string Url, int ExpectStatus, TimeSpan? MaxLatency, string? Schema);

/// <summary>
/// A scheduled executive update: posted at each of <see cref="At"/> (local times of day in <see cref="TimeZone"/>, an
/// IANA zone or <c>executive</c> for the executive approver's zone on the roster), from T-0 while the rollout runs, or
/// after it completed for <see cref="For"/>.
/// </summary>
public sealed record ExecutiveUpdate(string Name, IReadOnlyList<TimeOnly> At, string TimeZone, string From, TimeSpan? For)
{
    public const string ExecutiveZone = "executive";
    public const string FromStart = "t0";
    public const string FromCompletion = "completion";
}
