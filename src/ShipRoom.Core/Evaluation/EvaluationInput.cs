using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Evaluation;

/// <summary>One run of a synthetic probe against the canary slice.</summary>
public sealed record ProbeRun(string ProbeName, DateTimeOffset RanAt, bool Passed, string? Reason = null);

/// <summary>A sign-off given for leaving a phase: who, in which role, why.</summary>
public sealed record ApprovalGiven(int FromPhaseIndex, string Actor, string Role, string Reason, DateTimeOffset At);

/// <summary>
/// Everything the engine judges from. <see cref="Samples"/> should cover the current phase and, for triggers and sigma
/// conditions, the hour before it. <see cref="Now"/> is the rollout's clock: the engine never reads a clock itself.
/// </summary>
public sealed record EvaluationInput(
    int PhaseIndex,
    DateTimeOffset PhaseStartedAt,
    DateTimeOffset Now,
    IReadOnlyList<MetricSample> Samples,
    IReadOnlyList<ProbeRun>? ProbeRuns = null,
    IReadOnlyList<ApprovalGiven>? Approvals = null)
{
    /// <summary>When the canary first took traffic: no trigger streak counts minutes before it.</summary>
    public DateTimeOffset? RolloutStartedAt { get; init; }

    /// <summary>The rollout has ended (completed or rolled back): triggers that did not fire no longer watch.</summary>
    public bool RolloutEnded { get; init; }

    /// <summary>External signals raised against the rollout (P0/P1 opened, PII risk …), oldest first.</summary>
    public IReadOnlyList<ExternalSignal> Signals { get; init; } = [];

    /// <summary>
    /// A deploy system acknowledged lifting the payment caps (on leaving <c>paymentCaps.through</c>). Until it has, the
    /// caps are still in force after their last phase: the lift is pending and the cap triggers keep watching.
    /// </summary>
    public bool PaymentCapsLifted { get; init; }

    /// <summary>How far back a sigma condition reads the control's distribution.</summary>
    public TimeSpan SigmaHistory { get; init; } = TimeSpan.FromHours(1);
}
